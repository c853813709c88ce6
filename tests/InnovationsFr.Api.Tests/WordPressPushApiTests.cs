using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InnovationsFr.Search;
using Microsoft.Extensions.DependencyInjection;

namespace InnovationsFr.Api.Tests;

/// <summary>
/// Posts pushed as WordPress's REST API gives them (what the WordPress plugin sends) become the very
/// articles import-wp-json makes of the same posts: one mapping, the importer's.
/// </summary>
public sealed class WordPressPushApiTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private async Task<HttpClient> WriterAsync()
    {
        var client = await factory.ReadyClientAsync();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminApiFactory.WriteKey);
        return client;
    }

    private static List<JsonObject> FixturePosts() => Directory.EnumerateFiles(WordPressApiFactory.Data("wp-json"), "*.json").Order(StringComparer.Ordinal)
        .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray().Select(p => p!.AsObject()))
        .ToList();

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task PostsPushedOneByOne_AreTheArticlesTheImporterMakes_AndThoseNotPublicAreWithdrawn()
    {
        var client = await WriterAsync();
        var imported = WordPressImport.FromRestApi(WordPressApiFactory.Data("wp-json")).Posts.ToDictionary(p => p.Article.Id, p => p.Article);
        Assert.Equal(2, imported.Count);

        foreach (var post in FixturePosts())
        {
            var id = post["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var response = await client.PutAsync(new Uri($"/api/admin/wordpress/posts/{id}", UriKind.Relative), Json(post));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(imported.ContainsKey(id) ? "upserted" : "deleted", result.GetProperty("action").GetString());
            Assert.True(await factory.Services.GetRequiredService<SearchIndex>().WaitVisibleAsync(result.GetProperty("sequence").GetInt64(), TimeSpan.FromSeconds(60)));

            var served = await client.GetAsync(new Uri($"/api/articles/{id}", UriKind.Relative));
            if (imported.TryGetValue(id, out var expected))
            {
                var article = await served.Content.ReadFromJsonAsync<Article>(Web);
                Assert.NotNull(article);
                // Tags compared apart: a record compares lists by reference.
                Assert.Equal(expected with { Tags = [] }, article with { Tags = [] });
                Assert.Equal(expected.Tags, article.Tags);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, served.StatusCode);
            }
        }

        // A published post made private later: withdrawn.
        var first = FixturePosts().First(p => p["id"]!.GetValue<long>() == 201);
        first["status"] = "private";
        var withdrawn = await (await client.PutAsync(new Uri("/api/admin/wordpress/posts/201", UriKind.Relative), Json(first))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deleted", withdrawn.GetProperty("action").GetString());
        Assert.True(await factory.Services.GetRequiredService<SearchIndex>().WaitVisibleAsync(withdrawn.GetProperty("sequence").GetInt64(), TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/articles/201", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task APageOfPosts_IsAppliedInOneBatch_AndAnUnreadablePostIsNamedByItsPlace()
    {
        var client = await WriterAsync();
        var posts = new JsonArray(FixturePosts().Select(p => p.DeepClone()).ToArray());
        posts.Add(new JsonObject { ["id"] = 999, ["type"] = "post", ["status"] = "publish", ["title"] = new JsonObject { ["rendered"] = "Sans date" } });
        posts.Add(JsonValue.Create("pas un article"));

        var response = await client.PostAsync(new Uri("/api/admin/wordpress/posts/bulk", UriKind.Relative), Json(posts));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("upserted").GetInt32());
        Assert.Equal(2, result.GetProperty("deleted").GetInt32());
        Assert.Equal(2, result.GetProperty("rejected").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(5, errors[0].GetProperty("line").GetInt32());
        Assert.Contains("date", errors[0].GetProperty("message").GetString());
        Assert.Equal(6, errors[1].GetProperty("line").GetInt32());
    }

    [Theory]
    [InlineData("/api/admin/wordpress/posts/201", "{\"id\": 202, \"type\": \"post\"}", "differs from the URL")]
    [InlineData("/api/admin/wordpress/posts/201", "{ pas du json", "invalid JSON")]
    [InlineData("/api/admin/wordpress/posts/201", "[1, 2]", "JSON object")]
    [InlineData("/api/admin/wordpress/posts/201", "{\"title\": {\"rendered\": \"x\"}}", "WordPress id")]
    [InlineData("/api/admin/wordpress/posts/bulk", "{\"id\": 1}", "JSON array")]
    [InlineData("/api/admin/wordpress/posts/bulk", "[]", "empty")]
    public async Task ABadPush_Gets400ProblemJson_SayingWhatIsWrong(string path, string body, string expected)
    {
        var client = await WriterAsync();
        var response = path.EndsWith("bulk", StringComparison.Ordinal)
            ? await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"))
            : await client.PutAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushingNeedsAWriteKey()
    {
        var client = await factory.ReadyClientAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsync(new Uri("/api/admin/wordpress/posts/1", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        client.DefaultRequestHeaders.Add(AdminKeys.Header, AdminApiFactory.ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync(new Uri("/api/admin/wordpress/posts/bulk", UriKind.Relative), new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode);
    }
}
