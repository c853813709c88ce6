using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Api.Tests;

/// <summary>A learned ranking model given to the running service: a bad file never breaks search, a good one is taken up without a restart.</summary>
public sealed class RankingModelApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AModelFile_IsTakenUpWithoutARestart_AndABadOneIsReportedWhileSearchGoesOn()
    {
        var client = await factory.ReadyClientAsync();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/search?q=voiture%20électrique&size=10&facetLimit=0");
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/health/ready")).TryGetProperty("rankingModel", out _));
        Assert.Equal([0.0], HostMeters.Observe(factory.Services, "search.ranking.model"));

        // A file that is not a model: reported on /health/ready, searches answer as before.
        Directory.CreateDirectory(Path.GetDirectoryName(factory.RankingModelPath)!);
        await File.WriteAllTextAsync(factory.RankingModelPath, "pas un modèle");
        var health = await PollAsync(client, h => h.TryGetProperty("rankingModelProblem", out _));
        Assert.Contains("not a ranking model", health.GetProperty("rankingModelProblem").GetString());
        var search = await client.GetAsync(new Uri("/api/search?q=voiture%20électrique&size=10&facetLimit=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(Ids(before), Ids(await search.Content.ReadFromJsonAsync<JsonElement>()));

        // A model learnt from judgments that the last of those articles is the answer: it comes first.
        var ids = Ids(before);
        Assert.True(ids.Count > 2);
        var wanted = ids[^1];
        var model = Learn([new RankingJudgment("voiture électrique", wanted, 2), new RankingJudgment("voitures électriques", wanted, 2), new RankingJudgment("véhicule électrique", wanted, 2)]);
        File.Copy(model, factory.RankingModelPath, overwrite: true);
        File.SetLastWriteTimeUtc(factory.RankingModelPath, DateTime.UtcNow.AddSeconds(5));
        health = await PollAsync(client, h => h.TryGetProperty("rankingModel", out _));
        Assert.False(health.TryGetProperty("rankingModelProblem", out _));
        Assert.Equal([1.0], HostMeters.Observe(factory.Services, "search.ranking.model"));
        var after = await client.GetFromJsonAsync<JsonElement>("/api/search?q=voiture%20électrique&size=10&facetLimit=0");
        Assert.Equal(wanted, Ids(after)[0]);
        Assert.Equal(ids.Order(), Ids(after).Order());
    }

    private string Learn(List<RankingJudgment> judgments)
    {
        // The service's own index folder, read-only beside it.
        var folder = Directory.GetDirectories(Path.Combine(Path.GetTempPath(), "ifr-api-tests"))
            .Single(d => Path.GetFullPath(factory.RankingModelPath).StartsWith(Path.GetFullPath(d) + "-config", StringComparison.Ordinal));
        using var index = new SearchIndex(new IndexFolder(folder));
        index.Open();
        var model = RankingLearner.Learn(index, judgments, withPriors: true, new RankingTraining { Trees = 20, Leaves = 4, MinimumExamplesPerLeaf = 1 });
        var path = Path.Combine(Path.GetTempPath(), "ifr-api-tests", Guid.NewGuid().ToString("N") + ".zip");
        model.Save(path);
        return path;
    }

    private static List<string> Ids(JsonElement page) => page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();

    private static async Task<JsonElement> PollAsync(HttpClient client, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + Generously;
        while (true)
        {
            var health = await client.GetFromJsonAsync<JsonElement>("/health/ready");
            if (until(health) || DateTime.UtcNow > deadline)
            {
                return health;
            }

            await Task.Delay(200);
        }
    }
}
