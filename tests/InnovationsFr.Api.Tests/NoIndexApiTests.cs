using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InnovationsFr.Api.Tests;

/// <summary>The service started with no index and nothing to build one from.</summary>
public sealed class NoIndexFactory : WebApplicationFactory<Program>
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-api-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Search:IndexPath", Path.Combine(_root, "index"));
        builder.UseSetting("Search:CorpusPath", Path.Combine(_root, "missing.jsonl"));
    }
}

public class NoIndexApiTests(NoIndexFactory factory) : IClassFixture<NoIndexFactory>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/api/search?q=ia")]
    [InlineData("/api/articles/x")]
    [InlineData("/api/articles/by-slug/x")]
    [InlineData("/api/articles/x/related")]
    [InlineData("/api/suggest?q=intel")]
    [InlineData("/api/tags")]
    [InlineData("/api/tags/ia")]
    [InlineData("/api/tags/cloud")]
    [InlineData("/api/tags/duplicates")]
    public async Task WithoutAnIndex_EndpointsAnswer503Problem_NotAnError(string url)
    {
        var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}
