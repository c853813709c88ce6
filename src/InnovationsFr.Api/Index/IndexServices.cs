using InnovationsFr.Search;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api.Index;

/// <summary>How the service's index is set up: settings, the one SearchIndex, its start-up and the zero-result log.</summary>
public static class IndexServices
{
    public static IServiceCollection AddSearchIndex(this IServiceCollection services)
    {
        // One SearchIndex for the process: it owns the Lucene directory and searcher manager.
        services.AddOptions<SearchSettings>().BindConfiguration(SearchSettings.Section);
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SearchSettings>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return new SearchIndex(
                new IndexFolder(SearchSettings.Resolve(settings.IndexPath, root)),
                new SynonymFile(SearchSettings.Resolve(settings.SynonymsPath, root)),
                TimeSpan.FromMilliseconds(Math.Max(0, settings.TimeBudgetMs)))
            {
                // The service owns the index's writer: admin writes, journal replay, and swapping in
                // generations that a rebuild (its own or the indexer's) publishes.
                AcceptsWrites = true,
                Ranking = new RankingModelFile(SearchSettings.Resolve(settings.RankingModelPath, root)),
                RefreshEvery = TimeSpan.FromMilliseconds(Math.Clamp(settings.RefreshMs, 20, 1000)),
            };
        });

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
