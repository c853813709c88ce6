using System.Net;
using System.Text.Json;

namespace InnovationsFr.Api.Tests;

public class ArticlesAndHealthApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task GetArticle_Known_ReturnsItWithItsBody()
    {
        var client = await factory.ReadyClientAsync();

        var article = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/articles/ifr-2025-0613", UriKind.Relative))).RootElement;

        Assert.Equal("OpenAI et DoD : un contrat de 200 millions qui bouscule Microsoft", article.GetProperty("title").GetString());
        Assert.Contains("Département de la Défense", article.GetProperty("body").GetString());
        Assert.Equal("Technologies et Avenirs > Intelligence Artificielle", article.GetProperty("rubric").GetString());
        Assert.Equal(DateTimeOffset.Parse("2025-06-18T08:30:00+02:00", System.Globalization.CultureInfo.InvariantCulture), article.GetProperty("publishedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task GetArticle_Unknown_Is404Problem()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/articles/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("nope", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_WhenOpen_SaysReadyWithTheArticleCount()
    {
        var client = await factory.ReadyClientAsync();

        var health = JsonDocument.Parse(await client.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement;

        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Equal(File.ReadLines(ApiFactory.ShippedCorpus).Count(l => l.Trim().Length > 0), health.GetProperty("articles").GetInt32());
    }

    [Fact]
    public async Task OpenApi_DescribesEverySearchParameter()
    {
        var client = await factory.ReadyClientAsync();

        var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;

        var parameters = doc.GetProperty("paths").GetProperty("/api/search").GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(
            new[] { "q", "page", "size", "sort", "tag", "tagMode", "facetLimit", "facetMinCount", "histogram", "rubric", "from", "to", "cursor", "typoTolerance" }.Order(),
            parameters.Select(p => p.GetProperty("name").GetString()!).Order());
        Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task Docs_ServeTheApiReferencePage()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/docs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }
}
