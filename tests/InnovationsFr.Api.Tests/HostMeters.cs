using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace InnovationsFr.Api.Tests;

/// <summary>
/// The engine's instruments of one host, read as /metrics reads them: meters are process-wide, so
/// beside the suite's other hosts /metrics may show another host's series under the same name; a
/// listener scoped to this host's meter factory sees only this host's.
/// </summary>
public static class HostMeters
{
    /// <summary>The values an observable instrument of this host reports now.</summary>
    public static IReadOnlyList<double> Observe(IServiceProvider services, string instrument)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var values = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (published, l) =>
        {
            if (ReferenceEquals(published.Meter.Scope, factory) && published.Meter.Name == SearchMetrics.MeterName && published.Name == instrument)
            {
                l.EnableMeasurementEvents(published);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => values.Add(value));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => values.Add(value));
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => values.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
