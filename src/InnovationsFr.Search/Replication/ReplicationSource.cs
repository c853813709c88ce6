using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>
/// The primary's side of replication: publishes its writer's latest commit as a
/// <see cref="ReplicationManifest"/> and lends that commit's files, read-only. A commit handed out
/// is kept alive (the writer's <see cref="SnapshotDeletionPolicy"/>) while replicas may still be
/// copying it — until a newer one has been handed out and <see cref="HoldFor"/> has passed since it
/// was last used — so its files are not deleted under a replica's feet. Checksums are computed once
/// per file (a commit's files never change).
/// </summary>
public sealed class ReplicationSource
{
    private readonly Func<OpenGeneration?> _open;
    private readonly System.Threading.Lock _lock = new();
    private readonly Dictionary<(string Generation, long Commit), Held> _held = [];
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> _checksums = new();

    internal ReplicationSource(Func<OpenGeneration?> open)
    {
        _open = open;
    }

    /// <summary>How long a commit superseded by a newer one stays readable after its last use.</summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromSeconds(60);

    private sealed class Held(SnapshotDeletionPolicy policy, IndexCommit commit, ReplicationManifest manifest, string folder)
    {
        public SnapshotDeletionPolicy Policy { get; } = policy;

        public IndexCommit Commit { get; } = commit;

        public ReplicationManifest Manifest { get; } = manifest;

        public string Folder { get; } = folder;

        public long LastUsed { get; set; } = Environment.TickCount64;
    }

    /// <summary>The latest commit of the generation served, held for replicas; null when this process has no writer (a replica, or not open yet).</summary>
    public ReplicationManifest? Latest()
    {
        var open = _open();
        if (open?.Writer?.Config.IndexDeletionPolicy is not SnapshotDeletionPolicy policy || !open.TryEnter())
        {
            return null;
        }

        try
        {
            IndexCommit commit;
            try
            {
                commit = policy.Snapshot();
            }
            catch (InvalidOperationException)
            {
                return null; // no commit yet
            }

            var name = Path.GetFileName(open.Generation);
            var key = (name, commit.Generation);
            lock (_lock)
            {
                if (_held.TryGetValue(key, out var held))
                {
                    policy.Release(commit); // held once already
                    held.LastUsed = Environment.TickCount64;
                    ReleaseStale(key);
                    return held.Manifest;
                }
            }

            ReplicationManifest manifest;
            try
            {
                manifest = Describe(open.Generation, commit);
            }
            catch
            {
                policy.Release(commit);
                throw;
            }

            lock (_lock)
            {
                _held[key] = new Held(policy, commit, manifest, open.Generation);
                ReleaseStale(key);
            }

            return manifest;
        }
        finally
        {
            open.Exit();
        }
    }

    /// <summary>
    /// The latest commit once it is newer than <paramref name="commit"/> of <paramref name="generation"/>
    /// (waits for the next commit up to <paramref name="wait"/>: replicas long-poll), else the latest as it is.
    /// </summary>
    public async Task<ReplicationManifest?> NewerThanAsync(string? generation, long commit, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (true)
        {
            var next = LiveWrites.NextCommit;
            var latest = Latest();
            var left = deadline - Environment.TickCount64;
            if (latest == null || latest.Generation != generation || latest.Commit > commit || left <= 0)
            {
                return latest;
            }

            // A commit wakes the wait; a generation swapped in without one is seen within a second.
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, 1000)), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A file of a commit handed out and still held, opened for reading; null when the commit is no longer held or does not list it.</summary>
    public FileStream? Open(string generation, long commit, string name)
    {
        string path;
        lock (_lock)
        {
            if (!_held.TryGetValue((generation, commit), out var held) || !held.Manifest.Files.Any(f => f.Name == name))
            {
                return null;
            }

            held.LastUsed = Environment.TickCount64;
            path = Path.Combine(held.Folder, name);
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Commits held now (tests).</summary>
    internal int HeldCommits
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Lets go of commits older than <paramref name="latest"/> unused for <see cref="HoldFor"/> (their files go at the writer's next commit).</summary>
    private void ReleaseStale((string, long) latest)
    {
        var now = Environment.TickCount64;
        foreach (var (key, held) in _held.ToList())
        {
            if (key != latest && now - held.LastUsed >= HoldFor.TotalMilliseconds)
            {
                _held.Remove(key);
                try
                {
                    held.Policy.Release(held.Commit);
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or ArgumentException)
                {
                    // The writer is gone (another generation): nothing left to hold.
                }
            }
        }
    }

    private ReplicationManifest Describe(string folder, IndexCommit commit)
    {
        // Files merged away are gone from disk: their checksums go too.
        if (_checksums.Count > 4096)
        {
            foreach (var key in _checksums.Keys.Where(k => !File.Exists(k.Path)).ToList())
            {
                _checksums.TryRemove(key, out _);
            }
        }

        var names = commit.FileNames.ToList();
        if (File.Exists(Path.Combine(folder, TagAliases.FileName)))
        {
            names.Add(TagAliases.FileName);
        }

        var files = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name => Checksummed(Path.Combine(folder, name)))
            .ToList();
        // An index built before commits said when: its segments file's time.
        var committedAt = CommitData.CommittedAt(commit.UserData) ?? new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(folder, commit.SegmentsFileName)), TimeSpan.Zero);
        return new ReplicationManifest(Path.GetFileName(folder), commit.Generation, commit.SegmentsFileName, CommitData.Sequence(commit.UserData), committedAt, files);
    }

    private ReplicationFile Checksummed(string path)
    {
        var info = new FileInfo(path);
        var sha = _checksums.GetOrAdd((path, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
        return new ReplicationFile(info.Name, info.Length, sha);
    }
}
