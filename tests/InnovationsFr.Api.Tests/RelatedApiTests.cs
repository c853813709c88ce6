using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace InnovationsFr.Api.Tests;

public class RelatedApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Related_ReturnsOtherArticlesWithWhy()
    {
        var client = await factory.ReadyClientAsync();

        var related = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/articles/ifr-2025-0613/related?limit=5", UriKind.Relative))).RootElement;

        Assert.Equal(5, related.GetArrayLength());
        Assert.DoesNotContain(related.EnumerateArray(), r => r.GetProperty("id").GetString() == "ifr-2025-0613");
        var first = related[0];
        foreach (var part in new[] { "sharedTags", "sharedTerms", "text", "tags", "time" })
        {
            Assert.True(first.GetProperty("why").TryGetProperty(part, out _), part);
        }
    }

    [Fact]
    public async Task DraftAboutACoveredSubject_FindsThatCoverageFirst()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.PostAsJsonAsync(new Uri("/api/related", UriKind.Relative), new
        {
            title = "Rançongiciel : un nouvel hôpital paralysé",
            text = "Un centre hospitalier a dû revenir au papier après une attaque par rançongiciel. Les sauvegardes hors ligne et la segmentation du réseau, recommandées par l'ANSSI, ont permis de redémarrer en trois jours.",
            tags = new[] { "cybersécurité", "hôpitaux" },
            limit = 3,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var related = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ifr-2024-0905", related[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task DraftOver100KB_Is413Problem()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.PostAsJsonAsync(new Uri("/api/related", UriKind.Relative), new { text = new string('é', 60 * 1024) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HugeBody_Is413_NotA500()
    {
        var client = await factory.ReadyClientAsync();
        using var content = new StringContent("{\"text\":\"" + new string('a', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri("/api/related", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"text\": 42}")]
    [InlineData("{\"title\": \"sans texte\"}")]
    [InlineData("{\"text\": \"ok\", \"limit\": 0}")]
    public async Task BadDraft_Is400Problem(string json)
    {
        var client = await factory.ReadyClientAsync();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        var response = await client.PostAsync(new Uri("/api/related", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/articles/nope/related", HttpStatusCode.NotFound)]
    [InlineData("/api/articles/ifr-2025-0613/related?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/articles/ifr-2025-0613/related?limit=51", HttpStatusCode.BadRequest)]
    [InlineData("/api/articles/ifr-2025-0613/related?from=hier", HttpStatusCode.BadRequest)]
    public async Task BadRequests_AreProblems(string url, HttpStatusCode expected)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
