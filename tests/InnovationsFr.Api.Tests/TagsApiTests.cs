using System.Net;
using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Api.Tests;

public class TagsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly TagAliases Aliases = TagAliases.Load(ApiFactory.ShippedAliases);

    private static readonly IReadOnlyList<HashSet<string>> TagKeysByArticle = File.ReadLines(ApiFactory.ShippedCorpus)
        .Select((line, i) => CorpusReader.Parse("corpus", i + 1, line).Article!)
        .Select(a => a.Tags.Select(Aliases.Key).ToHashSet(StringComparer.Ordinal))
        .ToList();

    private static int Count(string key) => TagKeysByArticle.Count(t => t.Contains(key));

    private async Task<JsonElement> GetAsync(string url)
    {
        var client = await factory.ReadyClientAsync();
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Theory]
    [InlineData("gen")]
    [InlineData("GÉN")]
    [InlineData("génér")]
    public async Task PrefixSearch_IsAccentInsensitive_AndMatchesAnyWordOfTheTag(string prefix)
    {
        var page = await GetAsync("/api/tags?prefix=" + Uri.EscapeDataString(prefix));

        var labels = page.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("label").GetString()).ToList();
        Assert.Contains("IA générative", labels);
        Assert.All(labels, l => Assert.Contains("-gen", "-" + Slug.From(l), StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrefixSearch_RanksByCount_AndCanBeRestrictedToASearch()
    {
        var all = await GetAsync("/api/tags?prefix=s");
        var scoped = await GetAsync("/api/tags?prefix=s&q=satellites");

        var counts = all.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("count").GetInt32()).ToList();
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.True(scoped.GetProperty("total").GetInt32() < all.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TagList_RestrictedToASearchWithTagsAndRubric_CountsOnlyItsResults()
    {
        var page = await GetAsync("/api/tags?size=500&tag=OpenAI&tagMode=all");
        var rubricPage = await GetAsync("/api/tags?size=500&rubric=Espace");

        var counts = page.GetProperty("tags").EnumerateArray().ToDictionary(t => Aliases.Key(t.GetProperty("slug").GetString()), t => t.GetProperty("count").GetInt32());
        Assert.Equal(Count("openai"), counts["openai"]);
        foreach (var (key, count) in counts)
        {
            Assert.Equal(TagKeysByArticle.Count(t => t.Contains("openai") && t.Contains(key)), count);
        }

        Assert.Contains(rubricPage.GetProperty("tags").EnumerateArray(), t => t.GetProperty("slug").GetString() == "satellites");
        Assert.DoesNotContain(rubricPage.GetProperty("tags").EnumerateArray(), t => t.GetProperty("slug").GetString() == "openai");
    }

    [Fact]
    public async Task TagList_CountsEveryTag_ByNameOrCount_WithPaging()
    {
        var byName = await GetAsync("/api/tags?sort=name&size=500");
        var firstPage = await GetAsync("/api/tags?size=5");
        var secondPage = await GetAsync("/api/tags?size=5&page=2");

        var tags = byName.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(TagKeysByArticle.SelectMany(t => t).Distinct().Count(), byName.GetProperty("total").GetInt32());
        Assert.Equal(tags.Select(t => t.GetProperty("slug").GetString()).Order(StringComparer.Ordinal), tags.Select(t => t.GetProperty("slug").GetString()));
        Assert.Equal(Count("intelligenceartificielle"), firstPage.GetProperty("tags")[0].GetProperty("count").GetInt32());
        Assert.Empty(firstPage.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("slug").GetString())
            .Intersect(secondPage.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("slug").GetString())));
    }

    [Fact]
    public async Task TagPage_ListsArticlesNewestFirst_WithMergedSpellings()
    {
        var tag = await GetAsync("/api/tags/ia-generative?size=50");

        var dates = tag.GetProperty("articles").EnumerateArray().Select(a => a.GetProperty("publishedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(Count("iagenerative"), tag.GetProperty("count").GetInt32());
        Assert.Equal(Count("iagenerative"), dates.Count);
        Assert.Equal(dates.OrderDescending(), dates);
        Assert.Equal(dates.Min(), tag.GetProperty("firstUsed").GetDateTimeOffset());
        Assert.Equal(dates.Max(), tag.GetProperty("lastUsed").GetDateTimeOffset());
        Assert.True(tag.GetProperty("variants").GetArrayLength() >= 3);
    }

    [Fact]
    public async Task TagPage_ByAnAlias_ResolvesToTheCanonicalTag()
    {
        var tag = await GetAsync("/api/tags/pentagone");

        Assert.Equal("Département de la Défense", tag.GetProperty("label").GetString());
        Assert.Equal("departement-de-la-defense", tag.GetProperty("slug").GetString());
    }

    [Fact]
    public async Task RelatedTags_GoTogetherMoreThanChance_NotSimplyTheMostFrequent()
    {
        var n = (double)TagKeysByArticle.Count;
        var checkedAny = false;
        foreach (var slug in new[] { "openai", "departement-de-la-defense", "vehicules-electriques", "semi-conducteurs", "cybersecurite" })
        {
            var tag = await GetAsync("/api/tags/" + slug);
            var key = Aliases.Key(slug);
            foreach (var related in tag.GetProperty("related").EnumerateArray())
            {
                var other = Aliases.Key(related.GetProperty("slug").GetString());
                var together = TagKeysByArticle.Count(t => t.Contains(key) && t.Contains(other));
                var lift = together / n / (Count(key) / n * (Count(other) / n));
                Assert.True(together >= 2, $"{slug} ~ {other}: together {together}");
                Assert.True(lift > 1, $"{slug} ~ {other}: lift {lift}");
                Assert.Equal(together, related.GetProperty("together").GetInt32());
                checkedAny = true;
            }
        }

        Assert.True(checkedAny);
    }

    [Fact]
    public async Task UnknownTag_Is404Problem()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/tags/no-such-tag", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("", 8, 22, true)]
    [InlineData("?smallest=10&largest=30&unit=px", 10, 30, true)]
    [InlineData("?scale=linear&number=10", 8, 22, false)]
    public async Task Cloud_SizesFollowTheWordPressFormula(string query, double smallest, double largest, bool log)
    {
        var cloud = await GetAsync("/api/tags/cloud" + query);

        var tags = cloud.GetProperty("tags").EnumerateArray().ToList();
        Assert.InRange(tags.Count, 2, 45);
        double Scaled(int count) => log ? Math.Round(Math.Log10(count + 1) * 100) : count;
        var scaled = tags.Select(t => Scaled(t.GetProperty("count").GetInt32())).ToList();
        var spread = Math.Max(1, scaled.Max() - scaled.Min());
        foreach (var tag in tags)
        {
            var expected = smallest + (Scaled(tag.GetProperty("count").GetInt32()) - scaled.Min()) * ((largest - smallest) / spread);
            Assert.Equal(expected, tag.GetProperty("size").GetDouble(), 0.01);
        }

        // The cloud holds the most used tags: none left out is used more than one kept.
        var kept = tags.Select(t => t.GetProperty("count").GetInt32()).Min();
        var all = (await GetAsync("/api/tags?size=500")).GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("count").GetInt32()).ToList();
        Assert.True(all.Count(c => c > kept) < tags.Count);
    }

    [Fact]
    public async Task Cloud_DefaultOrder_IsByNameAscending_AndCountDescWorks()
    {
        var byName = await GetAsync("/api/tags/cloud");
        var byCount = await GetAsync("/api/tags/cloud?orderby=count&order=DESC");

        var names = byName.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("slug").GetString()).ToList();
        var counts = byCount.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("count").GetInt32()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(counts.OrderDescending(), counts);
    }

    [Fact]
    public async Task Cloud_ScopedByRubricAndWindow_CountsOnlyThoseArticles()
    {
        var cloud = await GetAsync("/api/tags/cloud?rubric=Espace&number=0");
        var trending = await GetAsync("/api/tags/cloud?trending=true&days=180&number=5");

        Assert.Contains(cloud.GetProperty("tags").EnumerateArray(), t => t.GetProperty("slug").GetString() == "satellites");
        Assert.DoesNotContain(cloud.GetProperty("tags").EnumerateArray(), t => t.GetProperty("slug").GetString() == "openai");
        Assert.All(trending.GetProperty("tags").EnumerateArray(), t => Assert.True(t.GetProperty("rise").GetDouble() > 0));
    }

    [Theory]
    [InlineData("smallest=30&largest=10", "smallest")]
    [InlineData("number=-1", "number")]
    [InlineData("orderby=popularity", "orderby")]
    [InlineData("order=SIDEWAYS", "order")]
    [InlineData("unit=furlong", "unit")]
    [InlineData("days=0", "days")]
    public async Task Cloud_BadParameter_Is400ProblemNamingIt(string query, string parameter)
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/tags/cloud?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Theory]
    [InlineData("/api/tags/cloud")]
    [InlineData("/api/tags?prefix=ia")]
    [InlineData("/api/tags/openai")]
    public async Task TagEndpoints_SendAnETag_AndAnswer304ToIt(string url)
    {
        var client = await factory.ReadyClientAsync();

        var first = await client.GetAsync(new Uri(url, UriKind.Relative));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        var second = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("max-age", first.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RandomCloud_IsNotCached()
    {
        var client = await factory.ReadyClientAsync();

        var response = await client.GetAsync(new Uri("/api/tags/cloud?order=RAND", UriKind.Relative));

        Assert.Null(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Theory]
    [InlineData(ApiFactory.AllowedOrigin, true)]
    [InlineData("https://elsewhere.example", false)]
    public async Task Cors_AllowsOnlyConfiguredOrigins(string origin, bool allowed)
    {
        var client = await factory.ReadyClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/tags/cloud", UriKind.Relative));
        request.Headers.Add("Origin", origin);

        var response = await client.SendAsync(request);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Contains(origin));
    }

    [Fact]
    public async Task Duplicates_ComeWithAliasLinesToPaste()
    {
        var groups = (await GetAsync("/api/tags/duplicates")).EnumerateArray().ToList();

        Assert.NotEmpty(groups);
        Assert.All(groups, g =>
        {
            var proposed = g.GetProperty("proposedLabel").GetString();
            Assert.Equal(g.GetProperty("tags").GetArrayLength() - 1, g.GetProperty("aliasLines").GetArrayLength());
            Assert.All(g.GetProperty("aliasLines").EnumerateArray(), l => Assert.EndsWith(" => " + proposed, l.GetString()));
        });
    }
}
