using System.Net;
using System.Text.Json;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Hosting;

namespace InnovationsFr.Api.Tests;

/// <summary>The API over a corpus imported from WordPress: the theme unit test export and our French sample.</summary>
public sealed class WordPressApiFactory : ApiFactory
{
    private readonly string _corpus = Path.Combine(Path.GetTempPath(), "ifr-wp-api-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public static string Data(string name) => Path.Combine(RepositoryRoot(), "tests", "data", "wordpress", name);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var posts = WordPressImport.FromWxr(Data("themeunittestdata.wordpress.xml")).Posts
            .Concat(WordPressImport.FromWxr(Data("innovationsfr-sample.wxr.xml")).Posts)
            .Concat(WordPressImport.FromRestApi(Data("wp-json")).Posts);
        WordPressImport.WriteCorpus(_corpus, posts);
        builder.UseSetting("Search:CorpusPath", _corpus);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_corpus);
    }
}

public sealed class WordPressImportApiTests(WordPressApiFactory factory) : IClassFixture<WordPressApiFactory>
{
    [Fact]
    public async Task TheImportedSite_HoldsItsPublishedPostsOnly()
    {
        var client = await factory.ReadyClientAsync();

        var health = JsonDocument.Parse(await client.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement;

        // 48 from the theme unit test export, 2 from the French WXR sample, 2 from the REST pages.
        Assert.Equal(52, health.GetProperty("articles").GetInt32());
        var article = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/articles/101", UriKind.Relative))).RootElement;
        Assert.Equal("Technologies et Avenirs > Intelligence Artificielle", article.GetProperty("rubric").GetString());
        var search = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=l%27IA%20g%C3%A9n%C3%A9rative", UriKind.Relative))).RootElement;
        Assert.Equal("101", search.GetProperty("hits")[0].GetProperty("id").GetString());
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The answer without the query it echoes (the reader typed those words; the index did not give them).</summary>
    private static string WithoutEcho(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json);
        if (node is System.Text.Json.Nodes.JsonObject answer)
        {
            answer.Remove("effectiveQuery");
            answer.Remove("query");
        }

        return node!.ToJsonString(Relaxed);
    }

    [Theory]
    [InlineData("zeppelin", "103")]          // draft
    [InlineData("hyperloop", "104")]         // scheduled
    [InlineData("monorail", "105")]          // pending
    [InlineData("dirigeable", "106")]        // private
    [InlineData("téléporteur", "107")]       // trash
    [InlineData("réacteur compact", "108")]  // password-protected
    [InlineData("drone livreur", "204")]     // draft (REST)
    [InlineData("batteries sodium", "202")]  // protected (REST)
    [InlineData("Scheduled", "1153")]        // theme unit test: scheduled
    [InlineData("Draft", "1164")]            // theme unit test: draft
    [InlineData("password enter", "1168")]   // theme unit test: password-protected
    public async Task UnpublishedPosts_AreNeverReturned_ByAnyEndpoint(string words, string id)
    {
        var client = await factory.ReadyClientAsync();
        var q = Uri.EscapeDataString(words);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/articles/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/articles/{id}/related", UriKind.Relative))).StatusCode);
        foreach (var url in new[]
        {
            $"/api/search?q={q}&size=50", $"/api/search?q={q}&typoTolerance=false", $"/api/suggest?q={q}",
            "/api/articles/101/related?limit=50", "/api/search?size=50&sort=date", "/api/tags?size=200", "/api/tags/cloud?number=0",
        })
        {
            var body = WithoutEcho(await client.GetStringAsync(new Uri(url, UriKind.Relative)));
            Assert.DoesNotContain($"\"id\":\"{id}\"", body, StringComparison.Ordinal);
            foreach (var secret in new[] { "zeppelin", "hyperloop", "monorail", "dirigeable", "téléporteur", "réacteur compact", "drone livreur", "sodium", "password is" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
