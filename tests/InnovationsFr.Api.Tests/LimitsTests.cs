using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace InnovationsFr.Api.Tests;

/// <summary>The API with a tight rate limit: 5 requests per 60 s per client.</summary>
public sealed class LimitedApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["RateLimit:PermitLimit"] = "5",
        ["RateLimit:WindowSeconds"] = "60",
    };
}

public sealed class LimitsTests(LimitedApiFactory factory) : IClassFixture<LimitedApiFactory>
{
    [Fact]
    public async Task A_client_over_its_rate_limit_gets_429_with_retry_after_and_problem_json_while_health_stays_open()
    {
        var client = await factory.ReadyClientAsync();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await client.GetAsync(new Uri("/api/search?q=satellites", UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused ??= response;
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(refused);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many requests", await refused.Content.ReadAsStringAsync());
        // Probes are never limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }
}

/// <summary>The API with a search time budget far too small for any search.</summary>
public sealed class TinyBudgetApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Search:TimeBudgetMs"] = "0.01" };
}

public sealed class TimeBudgetTests(TinyBudgetApiFactory factory) : IClassFixture<TinyBudgetApiFactory>
{
    [Fact]
    public async Task A_search_past_its_time_budget_answers_what_it_has_flagged_partial_not_an_error()
    {
        var client = await factory.ReadyClientAsync();
        var query = string.Join(" OR ", Enumerable.Range(0, 500).Select(i => "mot" + i)) + " " + string.Join(' ', Enumerable.Range(0, 50).Select(i => "inteligense" + (char)('a' + (i % 26))));

        var response = await client.GetAsync(new Uri("/api/search?q=" + Uri.EscapeDataString(query), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(page.GetProperty("partial").GetBoolean());
        Assert.True(page.GetProperty("queryTruncated").GetBoolean());
    }
}

/// <summary>The API with Search:TimeBudgetMs=0, which the README documents as "no budget".</summary>
public sealed class NoBudgetApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Search:TimeBudgetMs"] = "0" };
}

public sealed class NoTimeBudgetTests(NoBudgetApiFactory factory) : IClassFixture<NoBudgetApiFactory>
{
    [Fact]
    public async Task A_zero_time_budget_means_none_searches_are_complete()
    {
        var client = await factory.ReadyClientAsync();

        var page = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=intelligence%20artificielle", UriKind.Relative))).RootElement;

        Assert.False(page.GetProperty("partial").GetBoolean());
        Assert.True(page.GetProperty("total").GetInt32() > 0);
        Assert.NotEmpty(page.GetProperty("hits").EnumerateArray());
    }
}

public sealed class CursorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Following_nextCursor_walks_every_result_once_in_the_same_order_as_pages()
    {
        var client = await factory.ReadyClientAsync();
        var byPages = new List<string>();
        for (var page = 1; page <= 5; page++)
        {
            var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/search?size=7&page={page}&facetLimit=0", UriKind.Relative))).RootElement;
            byPages.AddRange(json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
        }

        var byCursor = new List<string>();
        string? cursor = null;
        for (var i = 0; i < 10; i++)
        {
            var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?size=7&facetLimit=0" + (cursor == null ? "" : "&cursor=" + cursor), UriKind.Relative))).RootElement;
            byCursor.AddRange(json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!));
            cursor = json.GetProperty("nextCursor").GetString();
            if (cursor == null)
            {
                break;
            }
        }

        Assert.Equal(40, byCursor.Count);
        Assert.Equal(byPages.Take(35), byCursor.Take(35));
        Assert.Equal(byCursor.Count, byCursor.Distinct().Count());
    }

    [Theory]
    [InlineData("pas-un-curseur")]
    [InlineData("Zm9vfDF8Mg")]
    public async Task A_cursor_the_api_did_not_give_is_a_400(string cursor)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/search?q=satellites&cursor=" + cursor, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("cursor", await response.Content.ReadAsStringAsync());
    }
}
