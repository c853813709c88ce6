using InnovationsFr.Search;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api.Index;

/// <summary>How the service's index is set up: settings, the one SearchIndex, its start-up and the zero-result log.</summary>
public static class IndexServices
{
    public static IServiceCollection AddSearchIndex(this IServiceCollection services)
    {
        // One SearchIndex for the process: it owns the Lucene directory and searcher manager.
        services.AddOptions<SearchSettings>().BindConfiguration(SearchSettings.Section)
            .Validate(settings => settings.RoleProblem() == null, "Search:Role, Search:Primary or Search:PrimaryKey is wrong: a replica needs its primary's http(s) address and one of its admin read keys")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SearchSettings>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new SearchIndex(
                new IndexFolder(SearchSettings.Resolve(settings.IndexPath, root)),
                new SynonymFile(SearchSettings.Resolve(settings.SynonymsPath, root)),
                TimeSpan.FromMilliseconds(Math.Max(0, settings.TimeBudgetMs)))
            {
                // A primary owns the index's writer: admin writes, journal replay, and swapping in
                // generations that a rebuild (its own or the indexer's) publishes. A replica only
                // reads the commits it copies from its primary.
                AcceptsWrites = !settings.IsReplica,
                Ranking = new RankingModelFile(SearchSettings.Resolve(settings.RankingModelPath, root)),
                RefreshEvery = TimeSpan.FromMilliseconds(Math.Clamp(settings.RefreshMs, 20, 1000)),
                CommitEvery = TimeSpan.FromMilliseconds(Math.Clamp(settings.CommitMs, 100, 60_000)),
            };
        });

        // A replica's copy of its primary's commits, and the loop that keeps it up to date.
        services.AddHttpClient(ReplicaFollower.PrimaryClient, (sp, client) =>
        {
            var settings = sp.GetRequiredService<IOptions<SearchSettings>>().Value;
            if (settings.IsReplica && Uri.TryCreate(settings.Primary, UriKind.Absolute, out var primary))
            {
                client.BaseAddress = new Uri(primary.ToString().TrimEnd('/') + "/");
                client.DefaultRequestHeaders.Add(AdminKeys.Header, settings.PrimaryKey);
                client.Timeout = TimeSpan.FromMilliseconds(Math.Max(1000, settings.ReplicaWaitMs)) + TimeSpan.FromSeconds(60);
            }
        });
        services.AddSingleton(sp => new IndexReplica(
            sp.GetRequiredService<SearchIndex>(),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ReplicaFollower.PrimaryClient)));
        services.AddHostedService<ReplicaFollower>();

        services.AddSingleton(TimeProvider.System);

        // Queries that found nothing, for editors: bounded, no personal data, kept across restarts.
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SearchSettings>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new ZeroResultLog(settings.ZeroResultsPath is { } path
                ? SearchSettings.Resolve(path, root)
                : Path.Combine(SearchSettings.Resolve(settings.IndexPath, root), "zero-results.json"));
        });
        services.AddHostedService(sp => sp.GetRequiredService<ZeroResultLog>());

        // Readers' clicks on results, for learning to rank: bounded, no personal data, kept across restarts.
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SearchSettings>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new ClickLog(
                settings.ClicksPath is { } path ? SearchSettings.Resolve(path, root) : Path.Combine(SearchSettings.Resolve(settings.IndexPath, root), "clicks.json"),
                settings.ClickWindowDays,
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<ClickLog>());

        // Build the index if it is missing, then open it, without holding up the server.
        services.AddSingleton<IndexStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexStartup>());
        return services;
    }
}
