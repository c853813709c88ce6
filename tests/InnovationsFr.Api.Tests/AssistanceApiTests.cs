using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace InnovationsFr.Api.Tests;

/// <summary>The API with admin keys configured.</summary>
public sealed class AdminApiFactory : ApiFactory
{
    public const string ReadKey = "lecture-0123456789";
    public const string WriteKey = "ecriture-9876543210";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Admin:ReadKeys:0", ReadKey);
        builder.UseSetting("Admin:WriteKeys:0", WriteKey);
    }
}

public sealed class AssistanceApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var client = await factory.ReadyClientAsync();
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Search_WithTypos_FindsTheArticles_AndSaysDidYouMean()
    {
        var page = await GetJsonAsync("/api/search?q=inteligence%20artificiele");

        Assert.True(page.GetProperty("total").GetInt64() > 0);
        Assert.Equal("intelligence artificielle", page.GetProperty("suggestion").GetString());
        Assert.Equal("sécurité", (await GetJsonAsync("/api/search?q=securite")).GetProperty("suggestion").GetString());
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync("/api/search?q=satellites")).GetProperty("suggestion").ValueKind);
    }

    [Fact]
    public async Task Search_AnUnknownWordWithinTwoEdits_IsMatchedApproximately()
    {
        var page = await GetJsonAsync("/api/search?q=gigafactroy");

        Assert.True(page.GetProperty("typoTolerant").GetBoolean());
        Assert.False(page.GetProperty("partial").GetBoolean());
        Assert.Contains("Gigafactory", page.GetProperty("hits")[0].GetProperty("title").GetString());
        Assert.Equal("gigafactory", page.GetProperty("suggestion").GetString());
    }

    [Fact]
    public async Task Suggest_Cyber_OffersCybersecurite_AsWordTagAndTitles()
    {
        var list = await GetJsonAsync("/api/suggest?q=cyber");

        var completions = list.GetProperty("completions").EnumerateArray().ToList();
        Assert.InRange(completions.Count, 1, 10);
        Assert.Contains(completions, c => c.GetProperty("kind").GetString() == "word" && c.GetProperty("text").GetString() == "cybersécurité");
        Assert.Contains(completions, c => c.GetProperty("kind").GetString() == "tag" && c.GetProperty("slug").GetString() == "cybersecurite");
        Assert.Contains(completions, c => c.GetProperty("kind").GetString() == "title" && c.GetProperty("id").GetString()!.Length > 0);
    }

    [Theory]
    [InlineData("/api/suggest")]
    [InlineData("/api/suggest?q=")]
    [InlineData("/api/suggest?q=cyber&limit=0")]
    [InlineData("/api/suggest?q=cyber&limit=11")]
    [InlineData("/api/suggest?q=cyber&limit=abc")]
    public async Task Suggest_BadInput_Is400ProblemJson(string url)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ZeroResults_WithNoKeyConfigured_IsNotThere()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/admin/zero-results", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class ZeroResultsApiTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private async Task<HttpResponseMessage> GetAsync(string url, string? key)
    {
        var client = await factory.ReadyClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (key != null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ZeroResults_NeedAKey()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/admin/zero-results", null)).StatusCode);
        var wrong = await GetAsync("/api/admin/zero-results", "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/admin/zero-results", AdminApiFactory.ReadKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/admin/zero-results", AdminApiFactory.WriteKey)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/api/admin/zero-results?limit=0", AdminApiFactory.ReadKey)).StatusCode);
    }

    [Fact]
    public async Task A_query_that_finds_nothing_is_logged_with_its_count_and_without_personal_data()
    {
        var client = await factory.ReadyClientAsync();
        var query = "qwzx vbnk " + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 2; i++)
        {
            var page = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=" + Uri.EscapeDataString(query.ToUpperInvariant() + "  jean.dupont@example.fr 0612345678"), UriKind.Relative))).RootElement;
            Assert.Equal(0, page.GetProperty("total").GetInt64());
        }

        await client.GetStringAsync(new Uri("/api/search?q=satellites", UriKind.Relative));

        var response = await GetAsync("/api/admin/zero-results?limit=1000", AdminApiFactory.ReadKey);
        var entries = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("queries").EnumerateArray().ToList();
        var entry = Assert.Single(entries, e => e.GetProperty("query").GetString()!.StartsWith(query, StringComparison.Ordinal));
        Assert.Equal(2, entry.GetProperty("count").GetInt32());
        Assert.Equal(query + " [e-mail] [numéro]", entry.GetProperty("query").GetString());
        Assert.DoesNotContain(entries, e => e.GetProperty("query").GetString() == "satellites");
    }
}
