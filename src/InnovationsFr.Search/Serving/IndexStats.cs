namespace InnovationsFr.Search;

/// <summary>Numbers about the open index.</summary>
public sealed record IndexStats(int Articles, string Generation);
