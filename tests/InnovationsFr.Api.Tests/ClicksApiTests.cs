using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InnovationsFr.Search;
using Microsoft.Extensions.DependencyInjection;

namespace InnovationsFr.Api.Tests;

/// <summary>The click beacon: counted per query and article with its position's weight, nothing personal kept, bad beacons refused, exported as judgments learn-ranking reads.</summary>
public sealed class ClicksApiTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private async Task<(HttpClient Client, List<string> Ids)> SearchAsync(string query)
    {
        var client = await factory.ReadyClientAsync();
        var page = await client.GetFromJsonAsync<JsonElement>("/api/search?facetLimit=0&q=" + Uri.EscapeDataString(query));
        return (client, page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync(new Uri("/api/clicks", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> AdminAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Add("X-Api-Key", AdminApiFactory.ReadKey);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Clicks_AreCountedPerQueryAndArticle_PositionWeighted_AndExportedAsJudgments()
    {
        var marker = "voiture électrique " + Guid.NewGuid().ToString("N")[..6];
        var (client, ids) = await SearchAsync("voiture électrique");
        Assert.True(ids.Count >= 3);
        foreach (var (id, rank) in new[] { (ids[0], 1), (ids[0], 1), (ids[2], 3), (ids[1], 9) })
        {
            var response = await PostAsync(client, JsonSerializer.Serialize(new { query = marker.ToUpperInvariant() + " jean.dupont@example.fr", id, rank, page = 1 }));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var masked = marker + " [e-mail]";
        var report = JsonDocument.Parse(await AdminAsync(client, "/api/admin/clicks?limit=50000")).RootElement;
        var mine = report.GetProperty("clicks").EnumerateArray().Where(c => c.GetProperty("query").GetString() == masked).ToList();
        Assert.Equal(3, mine.Count);
        var first = mine.Single(c => c.GetProperty("article").GetString() == ids[0]);
        Assert.Equal(2, first.GetProperty("clicks").GetInt32());
        Assert.Equal(2.0, first.GetProperty("weighted").GetDouble());
        // One click at rank 9 weighs √9 = 3: more than two at the top.
        Assert.Equal(ids[1], mine[0].GetProperty("article").GetString());
        Assert.Equal(3.0, mine[0].GetProperty("weighted").GetDouble());

        // As judgments: the best-weighted article 2, those with 30 % of its weight 1; learn-ranking reads them.
        var tsv = Path.Combine(Path.GetTempPath(), "ifr-api-tests", Guid.NewGuid().ToString("N") + ".tsv");
        File.WriteAllText(tsv, await AdminAsync(client, "/api/admin/clicks/judgments"));
        try
        {
            var judgments = RankingJudgment.Load(tsv).Where(j => j.Query == masked).ToList();
            Assert.Equal([new RankingJudgment(masked, ids[1], 2), new RankingJudgment(masked, ids[0], 1), new RankingJudgment(masked, ids[2], 1)], judgments);
        }
        finally
        {
            File.Delete(tsv);
        }

        // Kept on disk with the query, the article, the day and the counts only.
        var log = factory.Services.GetRequiredService<ClickLog>();
        log.Save();
        var saved = await File.ReadAllTextAsync(Directory.GetFiles(Path.GetDirectoryName(factory.RankingModelPath)![..^"-config".Length], "clicks.json").Single());
        var days = JsonDocument.Parse(saved).RootElement.EnumerateArray().ToList();
        Assert.Contains(days, d => d.GetProperty("Query").GetString() == masked);
        Assert.DoesNotContain("dupont", saved);
        Assert.DoesNotContain("127.0.0.1", saved);
        var fields = days[0].EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["Article", "Clicks", "Day", "Query", "Weighted"], fields);
    }

    [Theory]
    [InlineData("{\"id\":\"x\",\"rank\":1}", "query")]
    [InlineData("{\"query\":\"ia\",\"rank\":1}", "id")]
    [InlineData("{\"query\":\"ia\",\"id\":\"x\"}", "rank")]
    [InlineData("{\"query\":\"ia\",\"id\":\"x\",\"rank\":0}", "rank")]
    [InlineData("{\"query\":\"ia\",\"id\":\"x\",\"rank\":1,\"page\":-2}", "page")]
    [InlineData("{\"query\":\"ia\",\"id\":", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("", "body")]
    public async Task ABadBeacon_IsA400ProblemThatSaysWhatWasWrong(string json, string? field)
    {
        var (client, _) = await SearchAsync("ia");
        var response = await PostAsync(client, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (field != null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}");
        }
    }

    [Fact]
    public async Task AnUnknownArticle_Is404_AndAnOversizedBeacon_Is413_NeitherCounted()
    {
        var (client, ids) = await SearchAsync("ia");
        var unknown = await PostAsync(client, JsonSerializer.Serialize(new { query = "ia", id = "pas-un-article", rank = 1 }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var huge = await PostAsync(client, JsonSerializer.Serialize(new { query = new string('a', 3000), id = ids[0], rank = 1 }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);

        var report = await AdminAsync(client, "/api/admin/clicks?limit=50000");
        Assert.DoesNotContain("pas-un-article", report);
        Assert.DoesNotContain(new string('a', 300), report);
    }
}
