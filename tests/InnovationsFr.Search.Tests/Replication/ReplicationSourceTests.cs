using System.Security.Cryptography;
using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Replication;

/// <summary>A primary's commits handed out to replicas: described exactly, kept while they may be copied, let go after.</summary>
public sealed class ReplicationSourceTests : IDisposable
{
    private static readonly TimeSpan Generously = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-replication-tests", Guid.NewGuid().ToString("N"));
    private SearchIndex? _index;

    private SearchIndex OpenPrimary()
    {
        var corpus = Path.Combine(_root, "corpus.jsonl");
        Directory.CreateDirectory(_root);
        TestIndex.WriteCorpus(corpus, Enumerable.Range(0, 20).Select(i => TestIndex.Article($"a{i}", $"Article {i} sur les satellites", "Un texte.")));
        var folder = new IndexFolder(Path.Combine(_root, "index"));
        Assert.Equal(BuildOutcome.Published, IndexBuilder.BuildAsync(folder, [corpus]).GetAwaiter().GetResult().Outcome);
        _index = new SearchIndex(folder) { AcceptsWrites = true, RefreshEvery = TimeSpan.FromMilliseconds(20), CommitEvery = TimeSpan.FromMilliseconds(20) };
        _index.Open();
        return _index;
    }

    private static async Task<ReplicationManifest> NewerAsync(SearchIndex index, ReplicationManifest than, string id)
    {
        index.Apply([IndexChange.Upsert(TestIndex.Article(id, "Un article de plus", "Un texte."))]);
        var newer = await index.Replication.NewerThanAsync(than.Generation, than.Commit, Generously, CancellationToken.None);
        Assert.NotNull(newer);
        Assert.True(newer.Commit > than.Commit);
        return newer;
    }

    [Fact]
    public async Task ACommitHandedOut_StaysReadableAfterNewerCommits_ThenIsLetGo()
    {
        var index = OpenPrimary();
        var first = index.Replication.Latest()!;
        Assert.Null(first.Problem());
        var folder = Path.Combine(index.Folder.Root, first.Generation);
        // Lengths and checksums are the files' own.
        Assert.All(first.Files, f =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, f.Name));
            Assert.Equal(f.Length, bytes.Length);
            Assert.Equal(f.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        });
        Assert.Contains(first.Files, f => f.Name == TagAliases.FileName);

        // Without the hold, the default policy would delete the first commit's segments file at the next commit.
        var second = await NewerAsync(index, first, "n1");
        var third = await NewerAsync(index, second, "n2");
        Assert.True(File.Exists(Path.Combine(folder, first.SegmentsFile)));
        using (var stream = index.Replication.Open(first.Generation, first.Commit, first.SegmentsFile))
        {
            Assert.NotNull(stream);
        }

        Assert.Null(index.Replication.Open(first.Generation, first.Commit, "journal.jsonl"));

        // Past the hold, a newer manifest lets the older commits go, and the writer deletes their files.
        index.Replication.HoldFor = TimeSpan.Zero;
        var fourth = await NewerAsync(index, third, "n3");
        Assert.Equal(1, index.Replication.HeldCommits);
        Assert.Null(index.Replication.Open(first.Generation, first.Commit, first.SegmentsFile));
        await NewerAsync(index, fourth, "n4");
        Assert.False(File.Exists(Path.Combine(folder, first.SegmentsFile)));
    }

    [Fact]
    public async Task AReplicaAskingForANewerCommit_WaitsForOne_AndGetsTheLatestWhenItIsBehind()
    {
        var index = OpenPrimary();
        var latest = index.Replication.Latest()!;
        // Behind: answered at once.
        var behind = await index.Replication.NewerThanAsync(latest.Generation, latest.Commit - 1, Generously, CancellationToken.None);
        Assert.Equal(latest.Commit, behind!.Commit);
        // Up to date and nothing written: the wait ends with the same commit.
        var same = await index.Replication.NewerThanAsync(latest.Generation, latest.Commit, TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.Equal(latest.Commit, same!.Commit);
        // Up to date, then a write: the wait ends with its commit.
        var waiting = index.Replication.NewerThanAsync(latest.Generation, latest.Commit, Generously, CancellationToken.None);
        index.Apply([IndexChange.Upsert(TestIndex.Article("w1", "Attendu", "Un texte."))]);
        Assert.True((await waiting)!.Commit > latest.Commit);
    }

    [Theory]
    [InlineData("../CURRENT")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public void AManifestNamingAFileOutsideTheFolder_IsRefused(string name)
    {
        var sha = new string('0', 64);
        var manifest = new ReplicationManifest("gen-20261203T000000000-abcdef12", 3, "segments_3", 0, DateTimeOffset.UnixEpoch, [new ReplicationFile("segments_3", 10, sha), new ReplicationFile(name, 10, sha)]);
        Assert.NotNull(manifest.Problem());
        Assert.NotNull((manifest with { Generation = "../etc" }).Problem());
        Assert.NotNull((manifest with { SegmentsFile = "segments_9" }).Problem());
        Assert.Null((manifest with { Files = [new ReplicationFile("segments_3", 10, sha), new ReplicationFile("_0.cfs", 10, sha)] }).Problem());
    }

    public void Dispose()
    {
        _index?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
