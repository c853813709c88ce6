using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace InnovationsFr.Api.Tests;

/// <summary>The admin write API over a real index: publish, replace, withdraw, bulk, reindex, keys and limits.</summary>
public sealed class AdminWritesTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private static string Article(string id, string title, string body, params string[] tags) => JsonSerializer.Serialize(new
    {
        id,
        title,
        summary = "Un chapô de test.",
        body,
        publishedAt = "2026-11-20T09:30:00+01:00",
        rubric = "Technologies et Avenirs > Tests",
        tags,
    });

    private async Task<HttpClient> ClientAsync(string? key = AdminApiFactory.WriteKey)
    {
        var client = await factory.ReadyClientAsync();
        if (key != null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Posts NDJSON lines to the bulk endpoint, which must answer 200; returns its result.</summary>
    private static async Task<JsonElement> BulkAcceptedAsync(HttpClient client, string lines)
    {
        var response = await client.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonOf(response);
    }

    private static async Task<List<string>> SearchIdsAsync(HttpClient client, string query)
    {
        var page = await JsonOf(await client.GetAsync(new Uri("/api/search?size=50&q=" + Uri.EscapeDataString(query), UriKind.Relative)));
        return page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>
    /// Polls until <paramref name="condition"/> holds, or fails after a generous deadline: how fast a
    /// write becomes visible is measured by the benchmarks (bench/writes.sh), not here, where a
    /// loaded 2-core machine may stall any process for seconds.
    /// </summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "not true within 60 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Upsert_IsFoundBySearch_WithItsTagCountedAndANewETag()
    {
        var client = await ClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(
            new Uri("/api/admin/articles/test-warmup", UriKind.Relative),
            Json(Article("test-warmup", "Un premier article", "Pour chauffer le service.", "Échauffement", "Téléphonie")))).StatusCode);
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "chauffer")).Contains("test-warmup"));
        var before = await client.GetAsync(new Uri("/api/tags/cloud", UriKind.Relative));
        var etag = before.Headers.ETag;

        var response = await client.PutAsync(
            new Uri("/api/admin/articles/test-zorglub", UriKind.Relative),
            Json(Article("test-zorglub", "Le zorglubophone révolutionne la téléphonie", "Le zorglubophone est un téléphone quantique.", "Zorglubophone", "Téléphonie")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonOf(response);
        Assert.Equal("upserted", result.GetProperty("action").GetString());
        Assert.True(result.GetProperty("sequence").GetInt64() > 0);
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "zorglubophone")).Contains("test-zorglub"));

        var page = await JsonOf(await client.GetAsync(new Uri("/api/search?q=zorglubophone", UriKind.Relative)));
        Assert.Contains(page.GetProperty("tags").EnumerateArray(), t => t.GetProperty("slug").GetString() == "zorglubophone" && t.GetProperty("count").GetInt32() == 1);
        var after = await client.GetAsync(new Uri("/api/tags/cloud", UriKind.Relative));
        Assert.NotEqual(etag, after.Headers.ETag);
        var article = await JsonOf(await client.GetAsync(new Uri("/api/articles/test-zorglub", UriKind.Relative)));
        Assert.Equal("Le zorglubophone révolutionne la téléphonie", article.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Upsert_OfAnExistingArticle_ReplacesIt()
    {
        var client = await ClientAsync();
        await client.PutAsync(new Uri("/api/admin/articles/test-replace", UriKind.Relative), Json(Article("test-replace", "Premier titre xylomancie", "Texte.")));
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "xylomancie")).Contains("test-replace"));

        var response = await client.PutAsync(new Uri("/api/admin/articles/test-replace", UriKind.Relative), Json(Article("test-replace", "Titre corrigé oniromancie", "Texte.")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "oniromancie")).Contains("test-replace"));
        Assert.DoesNotContain("test-replace", await SearchIdsAsync(client, "xylomancie"));
        var total = (await JsonOf(await client.GetAsync(new Uri("/api/search?q=oniromancie", UriKind.Relative)))).GetProperty("total").GetInt64();
        Assert.Equal(1, total);
    }

    [Fact]
    public async Task Delete_RemovesTheArticleFromSearchArticlesTagsAndRelated()
    {
        var client = await ClientAsync();
        var victim = (await SearchIdsAsync(client, "voitures électriques Chine"))[0];
        var related = await JsonOf(await client.GetAsync(new Uri($"/api/articles/{victim}/related?limit=3", UriKind.Relative)));
        var neighbour = related.EnumerateArray().First().GetProperty("id").GetString()!;
        Assert.Contains(await RelatedIdsAsync(client, neighbour), id => id == victim);

        var response = await client.DeleteAsync(new Uri($"/api/admin/articles/{victim}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await EventuallyAsync(async () => (await client.GetAsync(new Uri($"/api/articles/{victim}", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound);
        Assert.DoesNotContain(victim, await SearchIdsAsync(client, "voitures électriques Chine"));
        Assert.DoesNotContain(victim, await RelatedIdsAsync(client, neighbour));
        // Withdrawing again is not an error: WordPress sends a withdrawal for posts never indexed.
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync(new Uri($"/api/admin/articles/{victim}", UriKind.Relative))).StatusCode);
    }

    private static async Task<List<string>> RelatedIdsAsync(HttpClient client, string id) =>
        (await JsonOf(await client.GetAsync(new Uri($"/api/articles/{id}/related?limit=50", UriKind.Relative))))
            .EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Upsert_WithADraftStatus_WithdrawsTheArticle_AndTheDraftIsNeverReturned()
    {
        var client = await ClientAsync();
        await client.PutAsync(new Uri("/api/admin/articles/test-status", UriKind.Relative), Json(Article("test-status", "Publication de la chiromancie", "Texte.")));
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "chiromancie")).Contains("test-status"));

        var draft = Article("test-status", "Brouillon secret de cartomancie", "Texte confidentiel.").Replace("{", "{\"status\":\"draft\",", StringComparison.Ordinal);
        var response = await client.PutAsync(new Uri("/api/admin/articles/test-status", UriKind.Relative), Json(draft));

        Assert.Equal("deleted", (await JsonOf(response)).GetProperty("action").GetString());
        await EventuallyAsync(async () => !(await SearchIdsAsync(client, "chiromancie")).Contains("test-status"));
        Assert.Empty(await SearchIdsAsync(client, "cartomancie"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/articles/test-status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Bulk_ReportsBadLinesByNumber_AndAppliesTheGoodOnes()
    {
        var client = await ClientAsync();
        var lines = string.Join('\n',
            Article("bulk-1", "Premier article en vrac sur la géomancie", "Texte un.", "Géomancie"),
            "{ceci n'est pas du JSON",
            "{\"id\":\"bulk-3\",\"publishedAt\":\"2026-11-20T09:30:00+01:00\"}",
            "",
            Article("bulk-5", "Second article en vrac sur la géomancie", "Texte deux.", "Géomancie"),
            "{\"id\":\"bulk-6\",\"title\":\"Sans date\",\"publishedAt\":\"hier\"}",
            "[1,2,3]");

        var result = await BulkAcceptedAsync(client, lines);
        Assert.Equal(2, result.GetProperty("upserted").GetInt32());
        Assert.Equal(4, result.GetProperty("rejected").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2, 3, 6, 7], errors.Select(e => e.GetProperty("line").GetInt32()));
        Assert.Contains("title", errors[1].GetProperty("message").GetString());
        Assert.Equal("bulk-3", errors[1].GetProperty("id").GetString());
        Assert.Contains("date", errors[2].GetProperty("message").GetString());
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "géomancie")).Count == 2);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/articles/bulk-3", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Bulk_ReadsCrlfLinesAndAByteOrderMark_AndRejectsALineThatIsNotUtf8()
    {
        var client = await ClientAsync();
        var body = new List<byte>([0xEF, 0xBB, 0xBF]);
        body.AddRange(Encoding.UTF8.GetBytes(Article("bulk-crlf-1", "Premier article de rhabdomancie", "Texte un.") + "\r\n\r\n"));
        body.AddRange(Encoding.UTF8.GetBytes("{\"id\":\"bulk-crlf-3\",\"title\":\"Rhabdomancie "));
        body.AddRange([0xC3, 0x28]);
        body.AddRange(Encoding.UTF8.GetBytes("\",\"body\":\"x\",\"publishedAt\":\"2026-11-20T09:30:00+01:00\"}\r\n"));
        body.AddRange(Encoding.UTF8.GetBytes(Article("bulk-crlf-4", "Second article de rhabdomancie", "Texte deux.") + "\r\n"));
        using var content = new ByteArrayContent([.. body]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");

        var response = await client.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonOf(response);
        Assert.Equal(2, result.GetProperty("upserted").GetInt32());
        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.Contains("UTF-8", error.GetProperty("message").GetString());
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "rhabdomancie")).Count == 2);
    }

    [Fact]
    public async Task Texts_EscapingHalfASurrogatePair_AreRefusedByLine_NotA500()
    {
        var client = await ClientAsync();
        var lines = string.Join('\n',
            Article("bulk-surrogate-1", "Article de zythologie", "Texte un."),
            "{\"id\":\"bulk-surrogate-2\",\"title\":\"Zythologie \\ud800\",\"body\":\"x\",\"publishedAt\":\"2026-11-20T09:30:00+01:00\"}",
            "{\"id\":\"bulk-surrogate-3\",\"title\":\"Zythologie\",\"body\":\"x\",\"publishedAt\":\"2026-11-20T09:30:00+01:00\",\"tags\":[\"a\\udc00\"]}",
            "{\"id\":\"bulk-surrogate-\\ud800\",\"status\":\"draft\"}");

        var result = await BulkAcceptedAsync(client, lines);
        Assert.Equal(1, result.GetProperty("upserted").GetInt32());
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2, 3, 4], errors.Select(e => e.GetProperty("line").GetInt32()));
        Assert.All(errors, e => Assert.Contains("not Unicode", e.GetProperty("message").GetString()));

        var put = await client.PutAsync(new Uri("/api/admin/articles/put-surrogate", UriKind.Relative), Json("{\"title\":\"\\udfff\",\"body\":\"x\",\"publishedAt\":\"2026-11-20T09:30:00+01:00\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not Unicode", (await JsonOf(put)).GetProperty("detail").GetString());
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "zythologie")).SequenceEqual(["bulk-surrogate-1"]));
    }

    [Fact]
    public async Task Bulk_WithOnlyBadLines_IsA400ProblemListingThem()
    {
        var client = await ClientAsync();

        var response = await client.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), new StringContent("nope\n{\"id\":1}", Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonOf(response);
        Assert.Equal(2, problem.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Bodies_OverTheLimit_Are413ProblemsAndApplyNothing()
    {
        var client = await ClientAsync();
        var big = Article("too-big", "Article trop gros pour la nécromancie", new string('a', 1_100_000));

        var put = await client.PutAsync(new Uri("/api/admin/articles/too-big", UriKind.Relative), Json(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);

        var line = Article("bulk-big", "Ligne de bulk sur la nécromancie", new string('b', 1_000_000));
        var lines = string.Join('\n', Enumerable.Repeat(line, 34));
        var bulk = await client.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bulk.StatusCode);
        Assert.Contains("32 MB", (await JsonOf(bulk)).GetProperty("detail").GetString());
        await Task.Delay(500);
        Assert.Empty(await SearchIdsAsync(client, "nécromancie"));
    }

    [Fact]
    public async Task Keys_NoneOrWrong401_ReadKeyOnAWrite403()
    {
        var anonymous = await ClientAsync(key: null);
        var reader = await ClientAsync(AdminApiFactory.ReadKey);
        var stranger = await ClientAsync("pas-une-cle");
        var body = Article("keys-test", "Titre", "Texte.");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsync(new Uri("/api/admin/articles/keys-test", UriKind.Relative), Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.DeleteAsync(new Uri("/api/admin/articles/keys-test", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsync(new Uri("/api/admin/articles/keys-test", UriKind.Relative), Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), new StringContent(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/admin/reindex", UriKind.Relative))).StatusCode);
        var refused = await reader.DeleteAsync(new Uri("/api/admin/articles/keys-test", UriKind.Relative));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upsert_WithAnIdThatDiffersFromTheUrl_IsA400()
    {
        var client = await ClientAsync();

        var response = await client.PutAsync(new Uri("/api/admin/articles/one-id", UriKind.Relative), Json(Article("another-id", "Titre", "Texte.")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("differs", (await JsonOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reindex_RebuildsInTheBackground_KeepsTheApiChanges_AndSearchNeverFails()
    {
        var client = await ClientAsync();
        await client.PutAsync(new Uri("/api/admin/articles/test-reindex", UriKind.Relative), Json(Article("test-reindex", "La lithomancie survit aux reconstructions", "Texte.")));
        var withdrawn = (await SearchIdsAsync(client, "Pentagone"))[0];
        await client.DeleteAsync(new Uri($"/api/admin/articles/{withdrawn}", UriKind.Relative));
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "lithomancie")).Contains("test-reindex"));
        var generation = await GenerationAsync(client);

        using var readers = new CancellationTokenSource();
        var failures = 0;
        var reads = 0;
        var reading = Task.Run(async () =>
        {
            while (!readers.IsCancellationRequested)
            {
                var status = (await client.GetAsync(new Uri("/api/search?q=intelligence%20artificielle&size=3", UriKind.Relative))).StatusCode;
                Interlocked.Increment(ref reads);
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        var started = await client.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("/api/admin/reindex", started.Headers.Location?.OriginalString);
        JsonElement status = default;
        await EventuallyAsync(async () =>
        {
            status = await JsonOf(await client.GetAsync(new Uri("/api/admin/reindex", UriKind.Relative)));
            return status.GetProperty("state").GetString() is "succeeded" or "failed";
        });
        await EventuallyAsync(async () => await GenerationAsync(client) != generation);
        await readers.CancelAsync();
        await reading;

        Assert.Equal("succeeded", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("journalChanges").GetInt64() >= 2);
        Assert.Equal(0, failures);
        Assert.True(reads > 0);
        Assert.Contains("test-reindex", await SearchIdsAsync(client, "lithomancie"));
        Assert.DoesNotContain(withdrawn, await SearchIdsAsync(client, "Pentagone"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/articles/{withdrawn}", UriKind.Relative))).StatusCode);
    }

    private static async Task<string> GenerationAsync(HttpClient client) =>
        (await JsonOf(await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))).GetProperty("generation").GetString()!;

    [Fact]
    public async Task Writes_WhileReadersSearch_GiveReadersNoErrors()
    {
        var client = await ClientAsync();
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var url in new[] { "/api/search?q=intelligence&tags=openai", "/api/tags/cloud", "/api/suggest?q=intel", "/api/search?q=pendulomancie" })
                {
                    if ((await client.GetAsync(new Uri(url, UriKind.Relative))).StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToList();

        for (var i = 0; i < 40; i++)
        {
            var response = i % 3 == 2
                ? await client.DeleteAsync(new Uri($"/api/admin/articles/churn-{i - 1}", UriKind.Relative))
                : await client.PutAsync(new Uri($"/api/admin/articles/churn-{i}", UriKind.Relative), Json(Article($"churn-{i}", $"Pendulomancie numéro {i}", "Texte.", "Pendule")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(15);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
        var expected = Enumerable.Range(0, 40).Count(i => i % 3 == 0);
        await EventuallyAsync(async () => (await SearchIdsAsync(client, "pendulomancie")).Count == expected);
    }
}

/// <summary>With no admin key configured, the write endpoints do not exist.</summary>
public sealed class AdminWritesClosedTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("PUT", "/api/admin/articles/x")]
    [InlineData("DELETE", "/api/admin/articles/x")]
    [InlineData("POST", "/api/admin/articles/bulk")]
    [InlineData("POST", "/api/admin/reindex")]
    [InlineData("GET", "/api/admin/reindex")]
    public async Task AdminEndpoints_WithNoKeyConfigured_Answer404(string method, string url)
    {
        var client = await factory.ReadyClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        request.Headers.Add("X-Api-Key", AdminApiFactory.WriteKey);
        if (method != "GET" && method != "DELETE")
        {
            request.Content = new StringContent("{\"title\":\"t\",\"publishedAt\":\"2026-01-01T00:00:00Z\"}", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
