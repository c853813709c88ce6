using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InnovationsFr.Api.Tests;

/// <summary>
/// The real API over a real index, built at start-up (as in production) from the shipped corpus
/// into a temporary folder.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _indexPath = Path.Combine(Path.GetTempPath(), "ifr-api-tests", Guid.NewGuid().ToString("N"));

    public const string AllowedOrigin = "https://widget.example";

    public static string ShippedCorpus => Path.Combine(RepositoryRoot(), "corpus", "articles.jsonl");

    public static string ShippedAliases => Path.Combine(RepositoryRoot(), "config", "tag-aliases.txt");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Search:IndexPath", _indexPath);
        builder.UseSetting("Search:CorpusPath", ShippedCorpus);
        // No learned ranking unless a test gives one (a model left in the repository's config/ must not change answers).
        builder.UseSetting("Search:RankingModelPath", RankingModelPath);
        builder.UseSetting("Cors:AllowedOrigins:0", AllowedOrigin);
        // Tests send hundreds of requests from one client: the limiter has its own tests.
        builder.UseSetting("RateLimit:PermitLimit", "0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Where this API looks for its learned ranking model (nothing there unless a test writes it).</summary>
    public string RankingModelPath => Path.Combine(_indexPath + "-config", "ranking-model.zip");

    /// <summary>Configuration a test class's API runs with, over the defaults above.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>A client once the index is open (the first build runs in the background).</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        for (var i = 0; i < 300; i++)
        {
            if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
            {
                return client;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the index did not open within 30 s");
    }

    /// <summary>The API as built beside these tests (same configuration), for tests that run it as its own process.</summary>
    internal static string ApiAssembly() => Path.Combine(
        RepositoryRoot(), "src", "InnovationsFr.Api", "bin",
        AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "InnovationsFr.Api.dll");

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_indexPath, recursive: true);
            if (Directory.Exists(_indexPath + "-config"))
            {
                Directory.Delete(_indexPath + "-config", recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
