namespace InnovationsFr.Search;

/// <summary>What a rebuild is doing.</summary>
public enum RebuildState
{
    Idle,
    Running,
    Succeeded,
    Failed,
}

/// <summary>The progress or outcome of the last rebuild started through <see cref="SearchIndex.StartRebuild"/>.</summary>
public sealed record RebuildStatus
{
    public RebuildState State { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long Articles { get; init; }
    public long Skipped { get; init; }
    public long BytesRead { get; init; }
    public long TotalBytes { get; init; }
    /// <summary>Admin journal changes applied over the corpus.</summary>
    public long JournalChanges { get; init; }
    public string? Generation { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<CorpusProblem> Problems { get; init; } = [];
}
