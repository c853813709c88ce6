namespace InnovationsFr.Search;

/// <summary>A commit as served: the generation's folder name, the commit's number, when it was made (null when it does not say) and the last journal sequence it holds.</summary>
public sealed record CommitPoint(string Generation, long Commit, DateTimeOffset? CommittedAt, long Sequence);

/// <summary>One file of a commit: its name in the generation's folder, its length and its SHA-256 (hex).</summary>
public sealed record ReplicationFile(string Name, long Length, string Sha256);

/// <summary>
/// What a primary publishes of its latest commit, for replicas to copy (Lucene's replicator design):
/// the generation's folder name, the commit's number and segments file, the journal sequence it
/// holds, when it was made, and every file it needs with its length and checksum. The files of a
/// commit never change once written: a replica copies only those it lacks, the segments file last.
/// </summary>
public sealed record ReplicationManifest(
    string Generation,
    long Commit,
    string SegmentsFile,
    long Sequence,
    DateTimeOffset CommittedAt,
    IReadOnlyList<ReplicationFile> Files)
{
    /// <summary>Whether this manifest is older than the commit <paramref name="commit"/> of the generation <paramref name="generation"/> (a replica never goes back).</summary>
    public bool IsOlderThan(string generation, long commit)
    {
        var byGeneration = string.CompareOrdinal(Generation, generation);
        return byGeneration < 0 || (byGeneration == 0 && Commit < commit);
    }

    /// <summary>What is wrong with a manifest read from the network, or null: names must be plain file names, the segments file listed, lengths and checksums well formed.</summary>
    public string? Problem()
    {
        if (!IndexFolder.IsGenerationName(Generation))
        {
            return $"generation \"{Generation}\" is not a generation folder's name";
        }

        if (Commit <= 0 || Files is null || Files.Count == 0)
        {
            return "no commit or no files";
        }

        foreach (var file in Files)
        {
            if (file is null || !IsPlainName(file.Name) || file.Length < 0 || file.Sha256 is not { Length: 64 } || !file.Sha256.All(char.IsAsciiHexDigit))
            {
                return $"file entry {file?.Name ?? "(null)"} is not a plain name with a length and a SHA-256";
            }
        }

        if (!Files.Any(f => f.Name == SegmentsFile) || !SegmentsFile.StartsWith("segments_", StringComparison.Ordinal))
        {
            return $"the segments file {SegmentsFile} is not among the files";
        }

        return Files.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() == Files.Count ? null : "a file is listed twice";
    }

    /// <summary>A file name without any folder part (nothing a replica could be made to write outside its index folder).</summary>
    public static bool IsPlainName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 128 && name != "." && name != ".." &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
