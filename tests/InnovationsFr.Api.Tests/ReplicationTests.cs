using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InnovationsFr.Search;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InnovationsFr.Api.Tests;

/// <summary>A primary that commits often, with admin keys (replicas read with the read key).</summary>
public sealed class PrimaryApiFactory : ApiFactory
{
    public const string ReadKey = "lecture-replique-0123";
    public const string WriteKey = "ecriture-primaire-4567";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Admin:ReadKeys:0"] = ReadKey,
        ["Admin:WriteKeys:0"] = WriteKey,
        ["Search:CommitMs"] = "200",
        ["Search:RefreshMs"] = "100",
    };
}

/// <summary>What stands between a replica and its primary in a test: passes requests on, or spoils them as told.</summary>
public sealed class PrimaryLink(HttpMessageHandler primary) : DelegatingHandler(primary)
{
    /// <summary>Cut the next file copies short by this many bytes (0: leave them whole).</summary>
    public int TruncateFiles { get; set; }

    /// <summary>Rewrite each manifest (null: leave it).</summary>
    public Func<JsonObject, JsonObject>? RewriteManifest { get; set; }

    /// <summary>Answer 404 to everything, as a wrong address would.</summary>
    public bool WrongAddress { get; set; }

    /// <summary>Files asked for, by name.</summary>
    public List<string> FilesAsked { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (WrongAddress)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>Not here</html>", Encoding.UTF8, "text/html") };
        }

        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (path.Contains("/api/replication/files/", StringComparison.Ordinal))
        {
            lock (FilesAsked)
            {
                FilesAsked.Add(Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]));
            }

            if (TruncateFiles > 0 && response.IsSuccessStatusCode)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                response.Content = new ByteArrayContent(bytes[..Math.Max(0, bytes.Length - TruncateFiles)]);
            }
        }
        else if (path.EndsWith("/api/replication/manifest", StringComparison.Ordinal) && RewriteManifest is { } rewrite && response.IsSuccessStatusCode)
        {
            var manifest = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            response.Content = new StringContent(rewrite(manifest).ToJsonString(), Encoding.UTF8, "application/json");
        }

        return response;
    }
}

/// <summary>A replica of a <see cref="PrimaryApiFactory"/> in the same test process, reached through a <see cref="PrimaryLink"/>.</summary>
public sealed class ReplicaApiFactory(PrimaryApiFactory primary, string? primaryAddress = null) : LoggedApiFactory
{
    public PrimaryLink Link { get; } = new(primary.Server.CreateHandler());

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Search:Role"] = "replica",
        ["Search:Primary"] = primaryAddress ?? "http://primary.test/",
        ["Search:PrimaryKey"] = PrimaryApiFactory.ReadKey,
        ["Search:ReplicaWaitMs"] = "2000",
        ["Admin:ReadKeys:0"] = PrimaryApiFactory.ReadKey,
        ["Admin:WriteKeys:0"] = PrimaryApiFactory.WriteKey,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (primaryAddress == null)
        {
            builder.ConfigureTestServices(services => services
                .AddHttpClient(Index.ReplicaFollower.PrimaryClient)
                .ConfigurePrimaryHttpMessageHandler(() => Link));
        }
    }
}

/// <summary>
/// Replicas copy their primary's commits over its HTTP API and serve them: the same answers and
/// ETags, writes refused with where the primary is, only the files they lack copied, and a
/// truncated file, an older manifest or a wrong address refused while the last good commit is served.
/// </summary>
public sealed class ReplicationTests(PrimaryApiFactory primary) : IClassFixture<PrimaryApiFactory>
{
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(60);

    private static string Article(string id, string title) => JsonSerializer.Serialize(new
    {
        id,
        title,
        summary = "Un chapô de réplication.",
        body = "Un texte copié d'un primaire vers ses répliques.",
        publishedAt = "2026-11-20T09:30:00+01:00",
        rubric = "Technologies et Avenirs > Tests",
        tags = new[] { "Réplication" },
    });

    private async Task<HttpClient> WriterAsync()
    {
        var client = await primary.ReadyClientAsync();
        client.DefaultRequestHeaders.Remove(AdminKeys.Header);
        client.DefaultRequestHeaders.Add(AdminKeys.Header, PrimaryApiFactory.WriteKey);
        return client;
    }

    private async Task<long> PublishAsync(string id, string title)
    {
        var response = await (await WriterAsync()).PutAsync(new Uri($"/api/admin/articles/{id}", UriKind.Relative), new StringContent(Article(id, title), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sequence").GetInt64();
    }

    private static async Task<JsonElement> UntilAsync(HttpClient client, string path, Func<HttpResponseMessage, JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Generously;
        while (true)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            var body = text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default;
            if (done(response, body))
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path}: {(int)response.StatusCode} {text}");
            }

            await Task.Delay(50);
        }
    }

    private static Task<JsonElement> ArticleAsync(HttpClient client, string id, string title) =>
        UntilAsync(client, $"/api/articles/{id}", (r, body) => r.StatusCode == HttpStatusCode.OK && body.GetProperty("title").GetString() == title);

    private static Task<JsonElement> HealthAsync(HttpClient client, Func<JsonElement, bool> until) =>
        UntilAsync(client, "/health/ready", (r, body) => r.StatusCode == HttpStatusCode.OK && until(body));

    private static JsonElement Replication(JsonElement health) => health.GetProperty("replication");

    [Fact]
    public async Task Replicas_ServeThePrimarysCommits_WithTheSameAnswersAndETags_AndCopyOnlyTheFilesTheyLack()
    {
        await primary.ReadyClientAsync();
        using var one = new ReplicaApiFactory(primary);
        using var two = new ReplicaApiFactory(primary);
        var first = await one.ReadyClientAsync();
        var second = await two.ReadyClientAsync();

        // An acknowledged write on the primary reaches both replicas.
        await PublishAsync("replique-1", "Les répliques copient les commits");
        await ArticleAsync(first, "replique-1", "Les répliques copient les commits");
        await ArticleAsync(second, "replique-1", "Les répliques copient les commits");
        var health = await HealthAsync(first, h => Replication(h).GetProperty("lagCommits").GetInt64() == 0);
        Assert.Equal("replica", health.GetProperty("role").GetString());
        Assert.Equal("ready", health.GetProperty("status").GetString());
        await HealthAsync(second, h => Replication(h).GetProperty("commit").GetInt64() == Replication(health).GetProperty("commit").GetInt64());

        // The same answer as the primary's, and one ETag across replicas of one commit.
        const string search = "/api/search?q=intelligence%20artificielle&size=5";
        var fromPrimary = await (await primary.ReadyClientAsync()).GetFromJsonAsync<JsonElement>(search);
        var fromReplica = await first.GetFromJsonAsync<JsonElement>(search);
        Assert.Equal(fromPrimary.GetProperty("total").GetInt64(), fromReplica.GetProperty("total").GetInt64());
        Assert.Equal(Ids(fromPrimary), Ids(fromReplica));
        Assert.Equal(fromPrimary.GetProperty("tags").GetRawText(), fromReplica.GetProperty("tags").GetRawText());
        const string cloud = "/api/tags/cloud?number=20";
        var a = await first.GetAsync(new Uri(cloud, UriKind.Relative));
        var b = await second.GetAsync(new Uri(cloud, UriKind.Relative));
        Assert.NotNull(a.Headers.ETag);
        Assert.Equal(a.Headers.ETag, b.Headers.ETag);
        Assert.Equal(await a.Content.ReadAsStringAsync(), await b.Content.ReadAsStringAsync());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, cloud);
        conditional.Headers.IfNoneMatch.Add(a.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await second.SendAsync(conditional)).StatusCode);

        // A second write: only files the replica lacks travel (never one it holds: they never change), the segments file last.
        var servedFolder = Path.Combine(IndexRoot(one), (await HealthAsync(first, _ => true)).GetProperty("generation").GetString()!);
        var held = Directory.EnumerateFiles(servedFolder).Select(Path.GetFileName).Where(n => !n!.StartsWith("segments", StringComparison.Ordinal)).ToHashSet();
        Assert.NotEmpty(held);
        one.Link.FilesAsked.Clear();
        await PublishAsync("replique-2", "Seuls les fichiers manquants voyagent");
        await ArticleAsync(first, "replique-2", "Seuls les fichiers manquants voyagent");
        List<string> asked;
        lock (one.Link.FilesAsked)
        {
            asked = [.. one.Link.FilesAsked];
        }

        Assert.DoesNotContain(asked, held.Contains);
        Assert.Contains(asked, f => !f.StartsWith("segments_", StringComparison.Ordinal));
        Assert.Equal("segments_", one.Link.FilesAsked[^1][..9]);
    }

    [Fact]
    public async Task AReplica_FollowsThePrimaryIntoARebuiltGeneration_AndLetsTheOldOneGo()
    {
        using var replica = new ReplicaApiFactory(primary);
        var client = await replica.ReadyClientAsync();
        await PublishAsync("reconstruit", "Un article qui survit à la reconstruction");
        await ArticleAsync(client, "reconstruit", "Un article qui survit à la reconstruction");
        var before = (await HealthAsync(client, _ => true)).GetProperty("generation").GetString();
        Assert.Equal([0.0], HostMeters.Observe(replica.Services, "search.replication.lag_commits"));

        var rebuild = await (await WriterAsync()).PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        var primaryHealth = await HealthAsync(await primary.ReadyClientAsync(), h => h.GetProperty("generation").GetString() != before);
        var after = primaryHealth.GetProperty("generation").GetString();

        // The replica serves the new generation (with the journal's article), and only it is left on disk but the one before.
        var health = await HealthAsync(client, h => h.GetProperty("generation").GetString() == after && Replication(h).GetProperty("lagCommits").GetInt64() == 0);
        Assert.Equal(primaryHealth.GetProperty("articles").GetInt32(), health.GetProperty("articles").GetInt32());
        await ArticleAsync(client, "reconstruit", "Un article qui survit à la reconstruction");
        var folders = Directory.GetDirectories(IndexRoot(replica), "gen-*").Select(Path.GetFileName).ToList();
        Assert.Contains(after, folders);
        Assert.True(folders.Count <= 2, string.Join(", ", folders));
        Assert.Equal(after, File.ReadAllText(Path.Combine(IndexRoot(replica), "CURRENT")).Trim());
    }

    [Fact]
    public async Task WritesSentToAReplica_Answer421_WithWhereThePrimaryIs()
    {
        using var replica = new ReplicaApiFactory(primary);
        var client = await replica.ReadyClientAsync();
        client.DefaultRequestHeaders.Add(AdminKeys.Header, PrimaryApiFactory.WriteKey);

        var responses = new[]
        {
            await client.PutAsync(new Uri("/api/admin/articles/x", UriKind.Relative), new StringContent(Article("x", "Titre"), Encoding.UTF8, "application/json")),
            await client.DeleteAsync(new Uri("/api/admin/articles/x", UriKind.Relative)),
            await client.PostAsync(new Uri("/api/admin/articles/bulk", UriKind.Relative), new StringContent(Article("x", "Titre"), Encoding.UTF8, "application/x-ndjson")),
            await client.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null),
            await client.PostAsync(new Uri("/api/clicks", UriKind.Relative), new StringContent("""{"query":"ia","id":"x","rank":1,"page":1}""", Encoding.UTF8, "application/json")),
            await client.GetAsync(new Uri("/api/replication/manifest", UriKind.Relative)),
        };
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("http://primary.test", problem.GetProperty("primary").GetString());
            Assert.Contains("primary", problem.GetProperty("detail").GetString());
            Assert.Equal("http://primary.test", response.Headers.GetValues("X-Primary").Single());
        }
    }

    [Fact]
    public async Task ATruncatedFile_IsRefused_AndTheReplicaServesItsLastGoodCommit_UntilAWholeCopyArrives()
    {
        using var replica = new ReplicaApiFactory(primary);
        var client = await replica.ReadyClientAsync();
        await PublishAsync("tronque-0", "Avant la coupure");
        await ArticleAsync(client, "tronque-0", "Avant la coupure");

        replica.Link.TruncateFiles = 7;
        await PublishAsync("tronque-1", "Copie coupée en route");
        var health = await HealthAsync(client, h => h.GetProperty("status").GetString() == "degraded");
        Assert.Contains("refused", Replication(health).GetProperty("problem").GetString());
        Assert.Contains("bytes received, the manifest says", Replication(health).GetProperty("problem").GetString());
        Assert.Contains(replica.Logs.Lines, l => l.Message.StartsWith("Replication refused: file ", StringComparison.Ordinal));
        // Still serving the last good commit: the earlier article, not the later one.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/articles/tronque-0", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/articles/tronque-1", UriKind.Relative))).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(IndexRoot(replica), "*.part", SearchOption.AllDirectories));

        replica.Link.TruncateFiles = 0;
        await ArticleAsync(client, "tronque-1", "Copie coupée en route");
        await HealthAsync(client, h => h.GetProperty("status").GetString() == "ready");
    }

    [Fact]
    public async Task AManifestOlderThanTheCommitServed_IsRefused_AndNothingChanges()
    {
        using var replica = new ReplicaApiFactory(primary);
        var client = await replica.ReadyClientAsync();
        await PublishAsync("ancien-0", "Le commit servi");
        await ArticleAsync(client, "ancien-0", "Le commit servi");
        var served = Replication(await HealthAsync(client, h => Replication(h).GetProperty("lagCommits").GetInt64() == 0)).GetProperty("commit").GetInt64();

        replica.Link.RewriteManifest = m =>
        {
            m["commit"] = served - 1;
            return m;
        };
        await PublishAsync("ancien-1", "Un commit plus récent");
        var health = await HealthAsync(client, h => h.GetProperty("status").GetString() == "degraded");
        Assert.Contains("older than the one served", Replication(health).GetProperty("problem").GetString());
        Assert.Equal(served, Replication(health).GetProperty("commit").GetInt64());
        Assert.Contains(replica.Logs.Lines, l => l.Message.Contains("is older than the one served", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/articles/ancien-0", UriKind.Relative))).StatusCode);

        replica.Link.RewriteManifest = null;
        await ArticleAsync(client, "ancien-1", "Un commit plus récent");
    }

    [Fact]
    public async Task AReplicaPointedAtTheWrongAddress_SaysSo_AndKeepsServingWhatItHas()
    {
        using var replica = new ReplicaApiFactory(primary);
        var client = await replica.ReadyClientAsync();

        replica.Link.WrongAddress = true;
        await PublishAsync("mauvaise-adresse", "Jamais copié");
        // (A round under way when the address went wrong may first fail on a file.)
        var health = await HealthAsync(client, h => h.GetProperty("status").GetString() == "degraded" && Replication(h).GetProperty("problem").GetString()!.Contains("Search:Primary", StringComparison.Ordinal));
        Assert.Contains(replica.Logs.Lines, l => l.Message.Contains("answered 404 for its manifest", StringComparison.Ordinal));
        Assert.Equal([1.0], HostMeters.Observe(replica.Services, "search.replication.failing"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/search?q=intelligence", UriKind.Relative))).StatusCode);

        // Nothing listening there at all, and nothing copied yet: not ready, and the reason given.
        using var empty = new ReplicaApiFactory(primary, "http://127.0.0.1:9/");
        var alone = empty.CreateClient();
        var problem = await UntilAsync(alone, "/health/ready", (r, body) => r.StatusCode == HttpStatusCode.ServiceUnavailable && body.GetProperty("detail").GetString()!.Contains("127.0.0.1:9", StringComparison.Ordinal) && body.GetProperty("detail").GetString()!.Contains(':', StringComparison.Ordinal));
        Assert.Contains("Waiting for the first copy", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await alone.GetAsync(new Uri("/api/search?q=ia", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task TheReplicationEndpoints_NeedAKey_AndGiveOnlyFilesOfACommitHeld()
    {
        var client = await primary.ReadyClientAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/replication/manifest", UriKind.Relative))).StatusCode);
        client.DefaultRequestHeaders.Add(AdminKeys.Header, PrimaryApiFactory.ReadKey);
        var manifest = await client.GetFromJsonAsync<ReplicationManifest>("/api/replication/manifest", JsonSerializerOptions.Web);
        Assert.NotNull(manifest);
        Assert.Null(manifest.Problem());
        var file = manifest.Files.First(f => !f.Name.StartsWith("segments_", StringComparison.Ordinal));
        var bytes = await client.GetByteArrayAsync(new Uri($"/api/replication/files/{manifest.Generation}/{manifest.Commit}/{file.Name}", UriKind.Relative));
        Assert.Equal(file.Length, bytes.Length);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        foreach (var path in new[]
        {
            $"/api/replication/files/{manifest.Generation}/{manifest.Commit}/journal.jsonl",
            $"/api/replication/files/{manifest.Generation}/{manifest.Commit}/..%2FCURRENT",
            $"/api/replication/files/{manifest.Generation}/{manifest.Commit + 1000}/{file.Name}",
            $"/api/replication/files/gen-nothing/{manifest.Commit}/{file.Name}",
        })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var bad = await client.GetAsync(new Uri("/api/replication/manifest?waitMs=999999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("waitMs", await bad.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("", "", "Search:Primary (\"\") is not an http(s) address")]
    [InlineData("ftp://primary.test/", "key", "is not an http(s) address")]
    [InlineData("http://primary.test/", "", "Search:PrimaryKey")]
    public async Task AReplicaConfiguredWithoutItsPrimary_RefusesToStart_SayingWhy(string primaryAddress, string key, string expected)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [ApiFactory.ApiAssembly()]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["Search__Role"] = "replica";
        start.Environment["Search__Primary"] = primaryAddress;
        start.Environment["Search__PrimaryKey"] = key;
        start.Environment["Search__IndexPath"] = Path.Combine(Path.GetTempPath(), "ifr-replica-refused", Guid.NewGuid().ToString("N"));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var standard = process.StandardOutput.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await process.WaitForExitAsync(deadline.Token);
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("InnovationsFr Search cannot start:", await error);
        Assert.Contains(expected, await error);
        Assert.DoesNotContain("   at ", await error + await standard);
    }

    private static List<string> Ids(JsonElement page) => page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();

    private static string IndexRoot(ApiFactory factory) => factory.Services.GetRequiredService<SearchIndex>().Folder.Root;
}
