using System.Net;
using System.Text.Json;

namespace InnovationsFr.Api.Tests;

/// <summary>Disjunctive facets, checked against the searches they predict, run for real.</summary>
public class FacetsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<JsonElement> SearchAsync(string query)
    {
        var client = await factory.ReadyClientAsync();
        var limit = query.Contains("facetLimit=", StringComparison.Ordinal) ? "" : "facetLimit=100&";
        var response = await client.GetAsync(new Uri("/api/search?" + limit + "size=1&" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string TagParams(IEnumerable<string> slugs) =>
        string.Concat(slugs.Select(s => "&tag=" + Uri.EscapeDataString(s)));

    [Theory]
    [InlineData("all", "", new string[0])]
    [InlineData("all", "", new[] { "openai" })]
    [InlineData("all", "q=intelligence", new[] { "openai", "ia-generative" })]
    [InlineData("all", "from=2025-01-01", new[] { "defense" })]
    public async Task AllMode_EveryTagCount_EqualsTheTotalWithThatTagToggled(string mode, string query, string[] selected)
    {
        var page = await SearchAsync($"{query}&tagMode={mode}{TagParams(selected)}");

        var facets = page.GetProperty("tags").EnumerateArray().ToList();
        Assert.NotEmpty(facets);
        foreach (var facet in facets.Take(12))
        {
            var slug = facet.GetProperty("slug").GetString()!;
            var isSelected = facet.GetProperty("selected").GetBoolean();
            Assert.Equal(selected.Contains(slug), isSelected);
            var toggled = isSelected ? selected.Where(s => s != slug) : selected.Append(slug);

            var expected = await SearchAsync($"{query}&tagMode={mode}{TagParams(toggled)}");

            Assert.True(
                expected.GetProperty("total").GetInt32() == facet.GetProperty("count").GetInt32(),
                $"tag '{slug}' (selected: {isSelected}) counts {facet.GetProperty("count").GetInt32()}, toggling it gives {expected.GetProperty("total").GetInt32()}");
        }
    }

    [Theory]
    [InlineData("", new[] { "openai" })]
    [InlineData("", new[] { "openai", "cybersecurite" })]
    [InlineData("q=march%C3%A9&rubric=Technologies%20et%20Avenirs", new[] { "chine", "microsoft" })]
    public async Task AnyMode_EveryTagCount_IsThatTagsOwnCountWithinTheOtherFilters(string query, string[] selected)
    {
        // A checkbox list (InstantSearch, Elasticsearch post_filter): a tag's count does not move
        // when other tags of the same list are ticked, and it is what ticking that tag alone gives.
        var page = await SearchAsync($"{query}&tagMode=any{TagParams(selected)}");
        var alone = await SearchAsync($"{query}&tagMode=any");

        var facets = page.GetProperty("tags").EnumerateArray().ToList();
        var unselected = alone.GetProperty("tags").EnumerateArray().ToDictionary(f => f.GetProperty("slug").GetString()!, f => f.GetProperty("count").GetInt32());
        Assert.Contains(facets, f => !f.GetProperty("selected").GetBoolean());
        foreach (var facet in facets.Take(12))
        {
            var slug = facet.GetProperty("slug").GetString()!;
            var own = await SearchAsync($"{query}&tagMode=any&tag={Uri.EscapeDataString(slug)}");

            Assert.Equal(own.GetProperty("total").GetInt32(), facet.GetProperty("count").GetInt32());
            Assert.Equal(unselected[slug], facet.GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task RubricCounts_EqualTheTotalWithThatRubricChosen()
    {
        var page = await SearchAsync("rubric=Espace&tagMode=any&tag=souverainete-technologique&tag=union-europeenne");

        var rubrics = page.GetProperty("rubrics").EnumerateArray().ToList();
        Assert.True(rubrics.Count >= 2, "rubric counts leave the rubric filter out");
        Assert.Contains(rubrics, r => r.GetProperty("slug").GetString() == "espace");
        foreach (var rubric in rubrics)
        {
            var expected = await SearchAsync("tagMode=any&tag=souverainete-technologique&tag=union-europeenne&rubric=" + Uri.EscapeDataString(rubric.GetProperty("slug").GetString()!));
            Assert.Equal(expected.GetProperty("total").GetInt32(), rubric.GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task RubricFacet_CountsParentsAndSubRubricsWithTheirLabels()
    {
        var page = await SearchAsync("");

        var rubrics = page.GetProperty("rubrics").EnumerateArray().ToDictionary(r => r.GetProperty("slug").GetString()!, r => r);
        var parent = rubrics["technologies-et-avenirs"];
        var child = rubrics["technologies-et-avenirs/intelligence-artificielle"];
        Assert.Equal("Technologies et Avenirs > Intelligence Artificielle", child.GetProperty("label").GetString());
        Assert.Equal(
            parent.GetProperty("count").GetInt32(),
            child.GetProperty("count").GetInt32() + rubrics["technologies-et-avenirs/semi-conducteurs"].GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("year", "tag=openai")]
    [InlineData("month", "q=batteries")]
    public async Task DateBuckets_EqualTheTotalOfThatPeriod_WithTheDateFilterLeftOut(string interval, string query)
    {
        var page = await SearchAsync($"{query}&histogram={interval}&from=2025-06-01&to=2025-06-30");

        var buckets = page.GetProperty("dates").EnumerateArray().ToList();
        Assert.True(buckets.Count >= 2, "the histogram ignores the date filter itself");
        foreach (var bucket in buckets)
        {
            var key = bucket.GetProperty("key").GetString()!;
            var (from, to) = key.Length == 4
                ? ($"{key}-01-01", $"{key}-12-31")
                : ($"{key}-01", $"{key}-{DateTime.DaysInMonth(int.Parse(key[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(key[5..], System.Globalization.CultureInfo.InvariantCulture)):D2}");
            var expected = await SearchAsync($"{query}&from={from}&to={to}");
            Assert.Equal(expected.GetProperty("total").GetInt32(), bucket.GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task FacetLimitAndMinCount_BoundTheUnselectedTags()
    {
        var page = await SearchAsync("facetLimit=3&facetMinCount=3&tag=openai&tagMode=any");

        var tags = page.GetProperty("tags").EnumerateArray().ToList();
        Assert.True(tags[0].GetProperty("selected").GetBoolean());
        Assert.InRange(tags.Count(t => !t.GetProperty("selected").GetBoolean()), 1, 3);
        Assert.All(tags.Where(t => !t.GetProperty("selected").GetBoolean()), t => Assert.True(t.GetProperty("count").GetInt32() >= 3));
    }

    [Fact]
    public async Task FacetLimitZero_TurnsFacetsOff_ButNotTheResults()
    {
        var page = await SearchAsync("facetLimit=0&q=OpenAI&tag=microsoft");
        var withFacets = await SearchAsync("q=OpenAI&tag=microsoft");

        Assert.Equal(0, page.GetProperty("tags").GetArrayLength() + page.GetProperty("rubrics").GetArrayLength() + page.GetProperty("dates").GetArrayLength());
        Assert.Equal(withFacets.GetProperty("total").GetInt32(), page.GetProperty("total").GetInt32());
        Assert.True(page.GetProperty("total").GetInt32() > 0);
    }

    [Theory]
    [InlineData("tagMode=some", "tagMode")]
    [InlineData("facetLimit=-1", "facetLimit")]
    [InlineData("facetLimit=1000", "facetLimit")]
    [InlineData("facetMinCount=0", "facetMinCount")]
    [InlineData("histogram=week", "histogram")]
    public async Task BadFacetParameter_Is400ProblemNamingIt(string query, string parameter)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/search?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }
}
