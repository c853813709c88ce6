using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InnovationsFr.Api.Tests;

/// <summary>Keeps every log line the API writes.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((category, formatter(state, exception)));
    }
}

public sealed class LoggedApiFactory : ApiFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(Logs)));
    }
}

public sealed class ObservabilityTests(LoggedApiFactory factory) : IClassFixture<LoggedApiFactory>
{
    [Fact]
    public async Task Every_request_logs_one_line_with_route_status_duration_and_results_but_no_client_address()
    {
        var client = await factory.ReadyClientAsync();

        await client.GetAsync(new Uri("/api/search?q=satellites", UriKind.Relative));
        await client.GetAsync(new Uri("/api/search?size=0", UriKind.Relative));

        var lines = factory.Logs.Lines.Where(l => l.Category == "InnovationsFr.Requests").Select(l => l.Message).ToList();
        Assert.Contains(lines, l => l.StartsWith("request GET /api/search 200 ", StringComparison.Ordinal) && !l.EndsWith("results=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("request GET /api/search 400 ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("client=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_request_latency_and_index_figures()
    {
        var client = await factory.ReadyClientAsync();
        await client.GetAsync(new Uri("/api/search?q=satellites", UriKind.Relative));

        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("http_server_request_duration_seconds_bucket", text);
        Assert.Contains("http_route=\"/api/search\"", text);
        Assert.Matches(@"search_index_documents(_ratio)?(\{[^}]*\})? 40", text);
        Assert.Contains("search_index_generation", text);
        Assert.Contains("search_results", text);
    }
}
