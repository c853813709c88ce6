using System.Globalization;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer;

/// <summary>
/// Build progress: on a terminal, one line rewritten in place; when output is redirected, a plain
/// line every few seconds (so logs stay readable). Count, articles/s and ETA from bytes read.
/// </summary>
internal sealed class ProgressPrinter(TextWriter output, bool plainLines) : IProgress<BuildProgress>
{
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(2);
    private TimeSpan? _lastPlain;
    private bool _inPlace;

    public void Report(BuildProgress value)
    {
        var line = Format(value);
        lock (output)
        {
            if (plainLines)
            {
                if (_lastPlain is not { } last || value.Elapsed - last >= PlainEvery)
                {
                    _lastPlain = value.Elapsed;
                    output.WriteLine(line);
                }
            }
            else
            {
                output.Write("\r" + line.PadRight(100));
                _inPlace = true;
            }
        }
    }

    public void Done()
    {
        if (_inPlace)
        {
            output.WriteLine();
        }
    }

    internal static string Format(BuildProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        var rate = p.Articles / seconds;
        var fraction = p.TotalBytes > 0 ? Math.Clamp((double)p.BytesRead / p.TotalBytes, 0, 1) : 0;
        var eta = fraction > 0.001 ? TimeSpan.FromSeconds(seconds / fraction - seconds) : (TimeSpan?)null;
        return string.Create(CultureInfo.InvariantCulture,
            $"indexing: {p.Articles} articles ({fraction:P0}), {p.Skipped} skipped, {rate:F0} articles/s, ETA {(eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--")}");
    }
}
