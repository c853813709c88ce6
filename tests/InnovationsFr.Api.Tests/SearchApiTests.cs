using System.Net;
using System.Text.Json;

namespace InnovationsFr.Api.Tests;

public class SearchApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var client = await factory.ReadyClientAsync();
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Search_EtatsUnisWithoutAccents_FindsArticlesAboutTheUnitedStates()
    {
        var page = await GetJsonAsync("/api/search?q=etats%20unis&size=5");

        var first = page.GetProperty("hits")[0];
        Assert.Contains("<mark>États</mark>-<mark>Unis</mark>", first.GetProperty("snippet").GetString() + first.GetProperty("highlightedTitle").GetString());
    }

    [Fact]
    public async Task Search_ReturnsHighlightedHitsWithTheirFields_AndTagCounts()
    {
        var page = await GetJsonAsync("/api/search?q=OpenAI%20Pentagone");

        Assert.True(page.GetProperty("total").GetInt64() >= 3);
        Assert.True(page.GetProperty("tookMs").GetDouble() >= 0);
        var hit = page.GetProperty("hits")[0];
        foreach (var field in new[] { "id", "url", "title", "highlightedTitle", "snippet", "publishedAt", "rubric", "tags", "score" })
        {
            Assert.True(hit.TryGetProperty(field, out _), $"hit has no '{field}'");
        }

        Assert.Contains("<mark>", hit.GetProperty("snippet").GetString() + hit.GetProperty("highlightedTitle").GetString());
        var tags = page.GetProperty("tags").EnumerateArray().ToList();
        Assert.InRange(tags.Count, 1, 20);
        Assert.Contains(tags, t => t.GetProperty("slug").GetString() == "openai" && t.GetProperty("count").GetInt32() >= 3);
    }

    [Fact]
    public async Task Search_FrenchComesBackUnescapedInJson()
    {
        var client = await factory.ReadyClientAsync();

        var body = await client.GetStringAsync(new Uri("/api/search?q=d%C3%A9fense&size=1", UriKind.Relative));

        Assert.Contains("é", body);
        Assert.DoesNotContain("\\u00e9", body);
    }

    [Fact]
    public async Task Search_WithElision_GivesTheSameHitsAsWithout()
    {
        var with = Ids(await GetJsonAsync("/api/search?q=l%E2%80%99intelligence%20artificielle"));
        var without = Ids(await GetJsonAsync("/api/search?q=intelligence%20artificielle"));

        Assert.Equal(without, with);
    }

    [Fact]
    public async Task Search_StartupSpellings_FindTheSameArticles()
    {
        var a = Ids(await GetJsonAsync("/api/search?q=startup&size=100")).Order();
        var b = Ids(await GetJsonAsync("/api/search?q=startups&size=100")).Order();
        var c = Ids(await GetJsonAsync("/api/search?q=start-up&size=100")).Order();

        Assert.Equal(a, b);
        Assert.Equal(a, c);
    }

    [Fact]
    public async Task Search_TagRubricAndDateFilters_Combine()
    {
        var page = await GetJsonAsync("/api/search?tag=Gigafactory&rubric=Mobilit%C3%A9&from=2025-01-01&to=2025-12-31&sort=date");

        Assert.Equal(["ifr-2025-1118", "ifr-2025-0527"], Ids(page));
    }

    [Fact]
    public async Task Search_SortByDate_IsNewestFirst()
    {
        var page = await GetJsonAsync("/api/search?q=OpenAI&sort=date&size=50");

        var dates = page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("publishedAt").GetDateTimeOffset()).ToList();
        Assert.True(dates.Count >= 3);
        Assert.Equal(dates.OrderDescending(), dates);
    }

    [Theory]
    [InlineData("%22unbalanced")]
    [InlineData("AND%20OR%20NOT")]
    [InlineData("*")]
    [InlineData("title:")]
    [InlineData("%5C")]
    [InlineData("%F0%9F%9A%80%20fus%C3%A9e")]
    [InlineData("%D8%A7%D9%84%D8%B0%D9%83%D8%A7%D8%A1")]
    [InlineData("%00%01%1B%7F")]
    [InlineData("%ED%A0%80")]
    [InlineData("%FF%FE")]
    [InlineData("ia~2%20intel*%20%5Ba%20TO%20z%5D%20%7Bx%7D%20%5E3%20%26%26%20%7C%7C%20!")]
    public async Task Search_MalformedQuery_AnswersTheQueryItSaysItRead(string q)
    {
        var page = await GetJsonAsync("/api/search?q=" + q);

        // What the answer says it searched for is what it searched: asking for that gives the same hits.
        var effective = page.GetProperty("effectiveQuery").GetString() ?? "";
        var again = await GetJsonAsync("/api/search?q=" + Uri.EscapeDataString(effective));
        Assert.Equal(again.GetProperty("total").GetInt32(), page.GetProperty("total").GetInt32());
        Assert.Equal(Ids(again), Ids(page));
        Assert.Equal(Math.Min(10, page.GetProperty("total").GetInt32()), page.GetProperty("hits").GetArrayLength());
    }

    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Search_ThousandsOfCharacters_IsCutNotRejected()
    {
        var q = Uri.EscapeDataString(string.Join(' ', Enumerable.Repeat("intelligence artificielle", 400)));

        var page = await GetJsonAsync("/api/search?q=" + q);

        Assert.True(page.GetProperty("queryTruncated").GetBoolean());
        Assert.NotEmpty(page.GetProperty("hits").EnumerateArray());
    }

    [Theory]
    [InlineData("size=0", "size")]
    [InlineData("size=101", "size")]
    [InlineData("page=0", "page")]
    [InlineData("page=500&size=100", "page")]
    [InlineData("sort=popularity", "sort")]
    [InlineData("from=13%2F08%2F2025", "from")]
    [InlineData("to=2025-02-30", "to")]
    [InlineData("from=2025-06-01&to=2025-01-01", "to")]
    public async Task Search_BadParameter_Is400ProblemNamingIt(string query, string parameter)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/search?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("size=abc", "size")]
    [InlineData("size=1e309", "size")]
    [InlineData("page=99999999999", "page")]
    [InlineData("size=5&size=6", "size")]
    public async Task Search_UnbindableParameter_Is400ProblemWithoutStackTrace(string query, string parameter)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/search?" + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(parameter, body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
    }
}
