using InnovationsFr.Search;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api.Index;

/// <summary>
/// Opens the index when the service starts, building it from the configured corpus first when
/// none exists. Runs in the background so the server answers at once: /health says 503 and the
/// search endpoints answer 503 problem+json until the index is open.
/// </summary>
internal sealed partial class IndexStartup(
    SearchIndex index,
    IOptions<SearchSettings> settings,
    IHostEnvironment environment,
    ILogger<IndexStartup> logger) : BackgroundService
{
    public string? Failure { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A replica never builds: it serves what it copied from its primary (ReplicaFollower).
            if (!index.Folder.HasIndex && !settings.Value.IsReplica)
            {
                await BuildAsync(stoppingToken);
            }

            if (index.Folder.HasIndex)
            {
                index.BackgroundFailed += LogBackgroundFailure;
                index.Open();
                // Warm the per-segment arrays, tag statistics and vocabulary (0.4 s at 100k
                // articles, 1.3 s at 1M) so that the first reader does not pay for them.
                index.Search(new SearchRequest { Size = 1 });
                index.ListTags(new TagListRequest { Size = 1 });
                index.Complete("a");
                var stats = index.Stats();
                LogOpened(stats.Articles, stats.Generation, index.Folder.Root);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexUnavailableException or FormatException)
        {
            Failure = e.Message;
            LogFailed(e);
        }
    }

    private async Task BuildAsync(CancellationToken stoppingToken)
    {
        var corpus = SearchSettings.Resolve(settings.Value.CorpusPath, environment.ContentRootPath);
        if (!settings.Value.BuildIfMissing || !File.Exists(corpus))
        {
            Failure = $"no index in {index.Folder.Root} and no corpus to build it from ({corpus})";
            LogNoIndex(index.Folder.Root, corpus);
            return;
        }

        LogBuilding(corpus, index.Folder.Root);
        var aliases = TagAliases.Load(SearchSettings.Resolve(settings.Value.TagAliasesPath, environment.ContentRootPath));
        var report = await IndexBuilder.BuildAsync(index.Folder, [corpus], new BuildOptions { TagAliases = aliases }, cancellationToken: stoppingToken);
        foreach (var problem in report.Problems)
        {
            LogProblem(problem.ToString());
        }

        LogBuilt(report.Outcome.ToString(), report.Articles, report.Skipped, report.Elapsed.TotalSeconds);
    }

    private long _lastFailureLogged = -1;

    /// <summary>A failing loop fails every tick: one line a minute, with the count so far.</summary>
    private void LogBackgroundFailure(Exception e)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLogged);
        if ((last < 0 || now - last >= 60_000) && Interlocked.CompareExchange(ref _lastFailureLogged, now, last) == last)
        {
            LogBackgroundFailed(index.BackgroundFailures, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The index's refresh/commit loop failed ({Failures} failed ticks so far); it retries every tick, and /health/ready says degraded meanwhile")]
    private partial void LogBackgroundFailed(long failures, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "No index found: building {Index} from {Corpus}")]
    private partial void LogBuilding(string corpus, string index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index build {Outcome}: {Articles} articles, {Skipped} skipped, {Seconds:F1} s")]
    private partial void LogBuilt(string outcome, long articles, long skipped, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Corpus record skipped: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Index open: {Articles} articles, generation {Generation} in {Root}")]
    private partial void LogOpened(int articles, string generation, string root);

    [LoggerMessage(Level = LogLevel.Error, Message = "No index in {Root} and no corpus at {Corpus}: search stays unavailable")]
    private partial void LogNoIndex(string root, string corpus);

    [LoggerMessage(Level = LogLevel.Error, Message = "The index could not be opened")]
    private partial void LogFailed(Exception e);
}
