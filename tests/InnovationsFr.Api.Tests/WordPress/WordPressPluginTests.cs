using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace InnovationsFr.Api.Tests.WordPress;

/// <summary>
/// The WordPress plugin end to end, against a real WordPress (Debian's packages) and our API as a
/// real process: live sync of publish, edit, tag rename, private, trash; a bulk sync of 200 posts;
/// a post published while our API is down arrives once it is back (WP-Cron); the site's own search
/// answered in our order; the tag cloud shortcode with wp_tag_cloud's sizes. `.ci/run` installs the
/// packages; where it cannot, it says why in IFR_WORDPRESS_SKIP and this test says so and stops.
/// </summary>
public sealed partial class WordPressPluginTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task ThePlugin_KeepsTheIndexLive_AndPutsOurSearchAndTagCloudOnTheSite()
    {
        if (WordPressSite.Missing() is { } missing)
        {
            var reason = Environment.GetEnvironmentVariable("IFR_WORDPRESS_SKIP");
            Assert.False(string.IsNullOrEmpty(reason), $"The WordPress end-to-end test needs Debian's wordpress, mariadb-server, php-cli and php-mysql (missing: {missing}); bash .ci/run installs them.");
            output.WriteLine($"WordPress end-to-end test NOT RUN: {reason} (missing: {missing})");
            return;
        }

        await using var site = new WordPressSite();
        await site.StartAsync();
        var clock = Stopwatch.StartNew();

        // 200 posts written before the plugin is active, then a bulk sync.
        var created = site.Do("create_posts", new { count = 200 }).GetProperty("ids");
        Assert.Equal(200, created.GetArrayLength());
        var activation = site.Do("activate", new { url = $"http://127.0.0.1:{site.ApiPort}", key = WordPressSite.WriteKey });
        Assert.True(activation.GetProperty("active").GetBoolean(), activation.ToString());
        var published = site.Do("published").GetProperty("count").GetInt32();
        // `wp innovationsfr sync --batch=50`, its WP-CLI calls recorded by a shim (Debian packages no WP-CLI).
        var sync = site.Do("cli_sync", new { batch = 50 });
        var printed = sync.GetProperty("out").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains($"Success: {published} posts sent: {published} indexed, 0 refused.", printed);
        Assert.Contains($"Sending posts: {published}/{published}", printed);
        Assert.Equal([50, 100, 150, 200, published], sync.GetProperty("progress").EnumerateArray().Select(p => p.GetInt32()));
        await UntilAsync(site, async api => (await Health(api)).GetProperty("articles").GetInt32() == published + 1, "every published post indexed (and the one article from elsewhere)");
        // Every tag of a post arrives, past the 10 that WordPress's REST API embeds.
        var first = await site.Api.GetFromJsonAsync<JsonElement>($"api/articles/{created[0].GetInt32()}", Web);
        Assert.Equal(12, first.GetProperty("tags").GetArrayLength());
        output.WriteLine($"bulk sync: {published} posts (200 created + WordPress's first post) in {clock.ElapsedMilliseconds} ms since the site was up");
        var status = site.Do("cli_status");
        Assert.Contains("la clé peut écrire", string.Join("\n", status.GetProperty("out").EnumerateArray().Select(l => l.GetString())));
        Assert.Equal(0, status.GetProperty("halted").GetInt32());

        // Publish a French post with tags: findable through our API.
        var id = site.Do("publish", new
        {
            title = "Les batteries solides de Grenoble passent à l'échelle",
            content = "<p>Une usine grenobloise produit des batteries solides pour les voitures électriques.</p>",
            tags = new[] { "Batteries", "Grenoble" },
            category = "Énergie",
        }).GetProperty("id").GetInt32();
        var twin = site.Do("publish", new
        {
            title = "Batteries solides : Grenoble prépare la suite",
            content = "<p>Les batteries solides grenobloises visent les voitures électriques de 2030.</p>",
            tags = new[] { "Batteries", "Grenoble" },
        }).GetProperty("id").GetInt32();
        var seen = Stopwatch.StartNew();
        await UntilAsync(site, async api => (await SearchIds(api, "batteries solides grenobloises")).Contains(id.ToString(CultureInfo.InvariantCulture)), "the published post is searchable");
        output.WriteLine($"published → searchable through our API: {seen.ElapsedMilliseconds} ms after the editor's request ended");
        var article = await site.Api.GetFromJsonAsync<JsonElement>($"api/articles/{id}", Web);
        Assert.Equal(["Batteries", "Grenoble"], article.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Énergie", article.GetProperty("rubric").GetString());

        // Edit its title: the new one is found, the old one gone.
        site.Do("update", new { id, title = "Les accumulateurs céramiques de Grenoble" });
        await UntilAsync(site, async api => (await SearchIds(api, "accumulateurs céramiques")).Contains(id.ToString(CultureInfo.InvariantCulture)), "the new title is found");
        Assert.Equal("Les accumulateurs céramiques de Grenoble", (await site.Api.GetFromJsonAsync<JsonElement>($"api/articles/{id}", Web)).GetProperty("title").GetString());
        Assert.DoesNotContain(id.ToString(CultureInfo.InvariantCulture), await SearchIds(site.Api, "\"passent à l'échelle\""));

        // Rename a tag: the facets show the new label.
        site.Do("rename_tag", new { name = "Grenoble", @new = "Isère" });
        await UntilAsync(site, async api => (await TagLabels(api, "batteries")).Contains("Isère"), "the renamed tag in the facets");
        Assert.DoesNotContain("Grenoble", await TagLabels(site.Api, "batteries"));

        // Private: gone from search, related and tag counts.
        Assert.Contains(id.ToString(CultureInfo.InvariantCulture), await RelatedIds(site.Api, twin));
        var before = await TagCount(site.Api, "Isère");
        site.Do("status", new { id, status = "private" });
        await UntilAsync(site, async api => (await site.Api.GetAsync(new Uri($"api/articles/{id}", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound, "the private post withdrawn");
        Assert.DoesNotContain(id.ToString(CultureInfo.InvariantCulture), await SearchIds(site.Api, "accumulateurs céramiques"));
        Assert.DoesNotContain(id.ToString(CultureInfo.InvariantCulture), await RelatedIds(site.Api, twin));
        Assert.Equal(before - 1, await TagCount(site.Api, "Isère"));

        // Published again, then trashed: gone again.
        site.Do("status", new { id, status = "publish" });
        await UntilAsync(site, async api => (await site.Api.GetAsync(new Uri($"api/articles/{id}", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "published again");
        // « À lire aussi » on the site: the twin lists it.
        var related = site.Do("shortcode", new { text = $"[innovationsfr_related id={twin} limit=5]" }).GetProperty("html").GetString()!;
        Assert.Contains("À lire aussi", related);
        Assert.Contains(">Les accumulateurs céramiques de Grenoble</a>", related);
        site.Do("trash", new { id });
        await UntilAsync(site, async api => (await site.Api.GetAsync(new Uri($"api/articles/{id}", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound, "the trashed post withdrawn");
        Assert.DoesNotContain(id.ToString(CultureInfo.InvariantCulture), await RelatedIds(site.Api, twin));

        // Our API down: the post waits in the queue, and arrives once the API is back (WP-Cron).
        await site.StopApiAsync();
        var late = site.Do("publish", new { title = "Publié pendant la panne du moteur de recherche", content = "<p>Un hydrolienne bretonne en panne sèche.</p>", tags = new[] { "Énergie marine" } }).GetProperty("id").GetInt32();
        // Meanwhile the site's search is WordPress's own, not an error page.
        var fallback = await site.Site.GetAsync(new Uri("?s=brève", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        var fallbackPage = await fallback.Content.ReadAsStringAsync();
        Assert.Contains("data-engine=\"wordpress\"", fallbackPage);
        Assert.Matches(ResultIds(), fallbackPage);
        // … and the tag cloud is WordPress's own (a sidebar never empty).
        var offlineCloud = site.Do("shortcode", new { text = "[innovationsfr_tag_cloud number=5]" }).GetProperty("html").GetString()!;
        Assert.Equal(5, Regex.Matches(offlineCloud, "tag-cloud-link").Count);
        Assert.DoesNotContain("innovationsfr-tag-cloud", offlineCloud);
        var queue = site.Do("queue");
        Assert.Equal(1, queue.GetProperty("length").GetInt32());
        Assert.Contains(late.ToString(CultureInfo.InvariantCulture), queue.GetProperty("entries").EnumerateObject().Select(e => e.Name));
        await site.StartApiAsync();
        await UntilAsync(site, async api =>
        {
            await site.Site.GetAsync(new Uri("wp-cron.php", UriKind.Relative)); // WordPress runs what is due (a system cron's call)
            return (await api.GetAsync(new Uri($"api/articles/{late}", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
        }, "the queued post arrives after the API is back");
        Assert.Equal(0, site.Do("queue").GetProperty("length").GetInt32());

        // The site's own search (?s=) answers in our order.
        site.Do("publish", new { title = "L'intelligence artificielle générative en entreprise", content = "<p>L'intelligence artificielle générative, l'intelligence des modèles et leur usage.</p>", date = "2024-01-10 10:00:00" });
        site.Do("publish", new { title = "Intelligence : une brève", content = "<p>Rien d'autre.</p>", date = "2026-11-30 10:00:00" });
        site.Do("publish", new { title = "Les réseaux neuronaux", content = "<p>Une forme d'intelligence artificielle.</p>", date = "2025-06-01 10:00:00" });
        await UntilAsync(site, async api => (await SearchIds(api, "intelligence")).Count >= 3, "the three posts indexed");
        var ours = (await SearchIds(site.Api, "intelligence")).Where(i => i.All(char.IsAsciiDigit)).ToList();
        var page = await site.Site.GetStringAsync(new Uri("?s=intelligence", UriKind.Relative));
        Assert.Contains("data-engine=\"innovationsfr\"", page);
        Assert.Equal(ours, ResultIds().Matches(page).Select(m => m.Groups[1].Value).ToList());
        var theirs = site.Do("wordpress_search", new { q = "intelligence" }).GetProperty("ids").EnumerateArray().Select(e => e.GetInt32().ToString(CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"?s=intelligence: ours {string.Join(",", ours)}; WordPress's own {string.Join(",", theirs)}");

        // The tag cloud shortcode: wp_tag_cloud's links, with wp_tag_cloud's sizes.
        var ourCloud = Sizes(site.Do("shortcode", new { text = "[innovationsfr_tag_cloud number=8 smallest=8 largest=22 unit=pt]" }).GetProperty("html").GetString()!);
        var wordpressCloud = Sizes(site.Do("wp_tag_cloud", new { number = 8, smallest = 8, largest = 22, unit = "pt" }).GetProperty("html").GetString()!);
        var counts = string.Join(", ", (await site.Api.GetFromJsonAsync<JsonElement>("api/tags/cloud?number=8", Web)).GetProperty("tags").EnumerateArray().Select(t => $"{t.GetProperty("label").GetString()}={t.GetProperty("count").GetInt32()}"));
        output.WriteLine($"cloud: ours {string.Join(", ", ourCloud.Select(kv => $"{kv.Key}={kv.Value}"))}; wp_tag_cloud {string.Join(", ", wordpressCloud.Select(kv => $"{kv.Key}={kv.Value}"))}; our counts {counts}");
        Assert.Equal(8, ourCloud.Count);
        Assert.Equal(wordpressCloud.Keys.Order(), ourCloud.Keys.Order());
        foreach (var (label, size) in wordpressCloud)
        {
            Assert.True(Math.Abs(size - ourCloud[label]) < 0.01, $"{label}: ours {ourCloud[label]} pt, wp_tag_cloud {size} pt");
        }

        // The Étiquettes block renders the same links.
        var block = site.Do("blocks", new { content = "<!-- wp:innovationsfr/tag-cloud {\"number\":5} /-->" }).GetProperty("html").GetString()!;
        Assert.Contains("innovationsfr-tag-cloud", block);
        Assert.Equal(5, Sizes(block).Count);
        Assert.Equal(22, ourCloud.Values.Max(), 3);
        Assert.Equal(8, ourCloud.Values.Min(), 3);
        // The write key is never printed back, nor written to a log.
        var settingsPage = site.Do("settings_page").GetProperty("html").GetString()!;
        Assert.Contains("Clé d’écriture", settingsPage);
        Assert.Contains("Enregistrée", settingsPage);
        Assert.DoesNotContain(WordPressSite.WriteKey, settingsPage);
        Assert.DoesNotContain(WordPressSite.WriteKey, site.Logs());
        output.WriteLine($"whole scenario: {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ThePluginsPhp_PassesPhpLint()
    {
        if (!File.Exists("/usr/bin/php"))
        {
            Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("IFR_WORDPRESS_SKIP")), "php -l needs Debian's php-cli; bash .ci/run installs it.");
            output.WriteLine("php -l NOT RUN: no php-cli here");
            return;
        }

        var files = Directory.EnumerateFiles(Path.Combine(ApiFactory.RepositoryRoot(), "integrations", "wordpress"), "*.php", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(ApiFactory.RepositoryRoot(), "tests", "InnovationsFr.Api.Tests", "WordPress"), "*.php", SearchOption.AllDirectories))
            .ToList();
        Assert.True(files.Count >= 10, string.Join(", ", files));
        foreach (var file in files)
        {
            using var lint = Process.Start(new ProcessStartInfo("/usr/bin/php", ["-l", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = lint.StandardOutput.ReadToEnd() + lint.StandardError.ReadToEnd();
            lint.WaitForExit();
            Assert.True(lint.ExitCode == 0, text);
        }
    }

    private static async Task UntilAsync(WordPressSite site, Func<HttpClient, Task<bool>> done, string what) =>
        await WordPressSite.UntilAsync(() => done(site.Api), what);

    private static async Task<JsonElement> Health(HttpClient api) => await api.GetFromJsonAsync<JsonElement>("health/ready", Web);

    private static async Task<List<string>> SearchIds(HttpClient api, string q) =>
        (await api.GetFromJsonAsync<JsonElement>($"api/search?q={Uri.EscapeDataString(q)}&size=20&facetLimit=0", Web)).GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();

    private static async Task<List<string>> TagLabels(HttpClient api, string q) =>
        (await api.GetFromJsonAsync<JsonElement>($"api/search?q={Uri.EscapeDataString(q)}&size=1", Web)).GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("label").GetString()!).ToList();

    private static async Task<List<string>> RelatedIds(HttpClient api, int id) =>
        (await api.GetFromJsonAsync<JsonElement>($"api/articles/{id}/related?limit=10", Web)).EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();

    private static async Task<int> TagCount(HttpClient api, string label) =>
        (await api.GetFromJsonAsync<JsonElement>("api/tags/cloud?number=0", Web)).GetProperty("tags").EnumerateArray()
            .Where(t => t.GetProperty("label").GetString() == label).Select(t => t.GetProperty("count").GetInt32()).SingleOrDefault();

    /// <summary>A cloud's links: label (from aria-label, count stripped) → font size in points.</summary>
    private static Dictionary<string, double> Sizes(string html) => CloudLink().Matches(html)
        .ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups["label"].Value), m => double.Parse(m.Groups["size"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""<article class="result" data-id="(\d+)">""")]
    private static partial Regex ResultIds();

    [GeneratedRegex("""class="tag-cloud-link[^"]*" style="font-size: (?<size>[0-9.]+)pt;" aria-label="(?<label>[^"(]+?) \(""")]
    private static partial Regex CloudLink();
}
