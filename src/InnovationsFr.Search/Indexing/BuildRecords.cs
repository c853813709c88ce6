namespace InnovationsFr.Search;

/// <summary>A refused corpus record, named by file and line.</summary>
public sealed record CorpusProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>Progress of a build, reported now and then.</summary>
public sealed record BuildProgress(long Articles, long Skipped, long BytesRead, long TotalBytes, TimeSpan Elapsed);

/// <summary>How a build ended.</summary>
public enum BuildOutcome
{
    /// <summary>The new index is live.</summary>
    Published,
    /// <summary>Strict mode met a bad record: nothing was published.</summary>
    RefusedBadRecords,
    /// <summary>No valid article at all: nothing was published.</summary>
    NoArticles,
    /// <summary>Another build holds the index folder.</summary>
    Busy,
}

/// <summary>What a build did.</summary>
public sealed record BuildReport(
    BuildOutcome Outcome,
    long Articles,
    long Skipped,
    long Bytes,
    TimeSpan Elapsed,
    IReadOnlyList<CorpusProblem> Problems,
    string? Generation)
{
    /// <summary>How many problems a report lists (all are counted in <see cref="Skipped"/>).</summary>
    public const int MaxListedProblems = 1000;

    /// <summary>Changes from the admin journal applied over the corpus (the latest of each article).</summary>
    public long JournalChanges { get; init; }

    public double ArticlesPerSecond => Elapsed.TotalSeconds > 0 ? Articles / Elapsed.TotalSeconds : 0;
}

/// <summary>Options of a build.</summary>
public sealed record BuildOptions
{
    /// <summary>Fail on the first bad record instead of skipping it.</summary>
    public bool Strict { get; init; }
    /// <summary>Threads that analyse and add documents; parsing runs on its own thread.</summary>
    public int IndexingThreads { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public double RamBufferMb { get; init; } = 256;
    /// <summary>The editors' tag aliases, applied to every article; kept beside the index it built.</summary>
    public TagAliases TagAliases { get; init; } = TagAliases.None;
}
