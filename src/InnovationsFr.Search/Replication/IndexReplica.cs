using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace InnovationsFr.Search;

/// <summary>A replica's state, as /health/ready and /metrics show it.</summary>
public sealed record ReplicaStatus
{
    /// <summary>The generation and commit served (null, 0: nothing yet).</summary>
    public string? Generation { get; init; }

    public long Commit { get; init; }

    /// <summary>When the primary made the commit served.</summary>
    public DateTimeOffset? CommittedAt { get; init; }

    /// <summary>The last of the primary's acknowledged writes (journal sequence) the commit served holds.</summary>
    public long Sequence { get; init; }

    /// <summary>The primary's latest commit, as last seen.</summary>
    public string? PrimaryGeneration { get; init; }

    public long PrimaryCommit { get; init; }

    public DateTimeOffset? PrimaryCommittedAt { get; init; }

    /// <summary>When the primary last answered.</summary>
    public DateTimeOffset? LastContact { get; init; }

    /// <summary>Why the last round failed or was refused (cleared by the next good one).</summary>
    public string? Problem { get; init; }

    public long CopiedFiles { get; init; }

    public long CopiedBytes { get; init; }

    /// <summary>Rounds that failed or were refused since the start.</summary>
    public long Failures { get; init; }

    /// <summary>Commits of the primary's generation the replica lacks (1 when the primary serves another generation).</summary>
    public long LagCommits => PrimaryGeneration == null ? 0
        : PrimaryGeneration != Generation ? 1
        : Math.Max(0, PrimaryCommit - Commit);

    /// <summary>
    /// How stale what is served may be: 0 when up to date with the primary as last seen; since the
    /// primary's newer commit was made when one is waiting; since the last contact when the primary
    /// does not answer (a newer commit may exist).
    /// </summary>
    public double LagSeconds(DateTimeOffset now)
    {
        var behind = LagCommits > 0 && PrimaryCommittedAt is { } made ? (now - made).TotalSeconds : 0;
        var silent = Problem != null && LastContact is { } contact ? (now - contact).TotalSeconds : 0;
        return Math.Max(0, Math.Max(behind, silent));
    }
}

/// <summary>Why a replica refused what its primary sent (the message is logged; what is served stays).</summary>
public sealed class ReplicationRefusedException(string message) : Exception(message);

/// <summary>
/// A replica's side of replication: keeps a local copy of the primary's latest commit and serves it
/// read-only. Each round asks the primary for its manifest (long-polling for a newer commit), copies
/// only the files it lacks into the generation's folder — each downloaded under a temporary name,
/// its length and SHA-256 checked, flushed to disk, then renamed —, the segments file last, flushes
/// the folder, points CURRENT at the generation when it is a new one, and switches its searcher. A
/// manifest older than what is served, a file that does not match its checksum or a primary that
/// does not answer is refused or retried: the replica keeps serving its last good commit.
/// </summary>
public sealed class IndexReplica(SearchIndex index, HttpClient primary)
{
    private const string Partial = ".part";
    private ReplicaStatus _status = new();

    public ReplicaStatus Status => Volatile.Read(ref _status);

    /// <summary>
    /// One round: waits up to <paramref name="wait"/> for a commit newer than the one served, copies
    /// it and serves it. True when a new commit is served. Throws <see cref="ReplicationRefusedException"/>
    /// (a manifest or file refused) or <see cref="HttpRequestException"/> (the primary unreachable):
    /// either way what was served still is.
    /// </summary>
    public async Task<bool> CatchUpAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            var copied = await RoundAsync(wait, cancellationToken).ConfigureAwait(false);
            Update(s => s with { Problem = null });
            return copied;
        }
        catch (Exception e) when (e is ReplicationRefusedException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Update(s => s with { Problem = e.Message, Failures = s.Failures + 1 });
            throw;
        }
    }

    private async Task<bool> RoundAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var (generation, commit) = index.IsOpen && index.ServedCommit() is { } served ? (served.Generation, served.Commit) : (null, 0L);
        var query = string.Create(CultureInfo.InvariantCulture, $"api/replication/manifest?generation={Uri.EscapeDataString(generation ?? "")}&after={commit}&waitMs={(long)wait.TotalMilliseconds}");
        using var response = await primary.GetAsync(new Uri(query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            throw new HttpRequestException($"it answers 503: not ready yet (starting, or opening its index)");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ReplicationRefusedException(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? $"the primary at {primary.BaseAddress} answered {(int)response.StatusCode} for its manifest: is Search:Primary the primary's address, and Search:PrimaryKey one of its admin keys?"
                : $"the primary at {primary.BaseAddress} answered {(int)response.StatusCode} for its manifest");
        }

        ReplicationManifest? manifest;
        try
        {
            manifest = await response.Content.ReadFromJsonAsync<ReplicationManifest>(JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ReplicationRefusedException($"the primary at {primary.BaseAddress} sent something that is not a manifest ({e.Message})");
        }

        var problem = manifest == null ? "empty" : manifest.Problem();
        if (manifest == null || problem != null)
        {
            throw new ReplicationRefusedException($"manifest refused: {problem}");
        }

        Update(s => s with { PrimaryGeneration = manifest.Generation, PrimaryCommit = manifest.Commit, PrimaryCommittedAt = manifest.CommittedAt, LastContact = DateTimeOffset.UtcNow });
        if (generation == manifest.Generation && commit == manifest.Commit)
        {
            Served(index.ServedCommit());
            return false;
        }

        if (generation != null && manifest.IsOlderThan(generation, commit))
        {
            throw new ReplicationRefusedException($"manifest refused: commit {manifest.Commit} of {manifest.Generation} is older than the one served ({commit} of {generation})");
        }

        var folder = Path.Combine(index.Folder.Root, manifest.Generation);
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "*" + Partial))
        {
            File.Delete(stale);
        }

        // Every file the replica lacks (those it has were checked when copied: a commit's files never change), the segments file last.
        foreach (var file in manifest.Files.Where(f => f.Name != manifest.SegmentsFile).Append(manifest.Files.Single(f => f.Name == manifest.SegmentsFile)))
        {
            var path = Path.Combine(folder, file.Name);
            if (file.Name != manifest.SegmentsFile && File.Exists(path) && new FileInfo(path).Length == file.Length)
            {
                continue;
            }

            await CopyAsync(manifest, file, path, cancellationToken).ConfigureAwait(false);
        }

        DurableFile.SyncFolder(folder);
        var previous = index.Folder.CurrentGeneration;
        if (previous == null || Path.GetFileName(previous) != manifest.Generation)
        {
            index.Folder.Publish(folder);
        }

        index.FollowCopiedCommit();
        Served(index.ServedCommit());

        // What the commit served no longer needs: files merged away, older segments files, older generations.
        var wanted = manifest.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder).Where(p => !wanted.Contains(Path.GetFileName(p))))
        {
            TryDelete(path);
        }

        index.Folder.RemoveOldGenerations(previous);
        return true;
    }

    private async Task CopyAsync(ReplicationManifest manifest, ReplicationFile file, string path, CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"api/replication/files/{manifest.Generation}/{manifest.Commit}/{Uri.EscapeDataString(file.Name)}"), UriKind.Relative);
        using var response = await primary.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ReplicationRefusedException($"file {file.Name} of commit {manifest.Commit}: the primary answered {(int)response.StatusCode} (the commit may have been superseded; the next round copies the newer one)");
        }

        var partial = path + Partial;
        long length = 0;
        string sha;
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length > file.Length)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                output.Flush(flushToDisk: true);
            }

            if (length != file.Length || !string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ReplicationRefusedException(length != file.Length
                    ? $"file {file.Name} of commit {manifest.Commit} refused: {length}{(length > file.Length ? "+" : "")} bytes received, the manifest says {file.Length}"
                    : $"file {file.Name} of commit {manifest.Commit} refused: its SHA-256 is {sha}, the manifest says {file.Sha256}");
            }

            File.Move(partial, path, overwrite: true);
            Update(s => s with { CopiedFiles = s.CopiedFiles + 1, CopiedBytes = s.CopiedBytes + file.Length });
        }
        finally
        {
            TryDelete(partial);
        }
    }

    private void Served(CommitPoint served) =>
        Update(s => s with { Generation = served.Generation, Commit = served.Commit, CommittedAt = served.CommittedAt, Sequence = served.Sequence });

    private void Update(Func<ReplicaStatus, ReplicaStatus> change)
    {
        ReplicaStatus before, after;
        do
        {
            before = Volatile.Read(ref _status);
            after = change(before);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _status, after, before), before));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
