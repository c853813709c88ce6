namespace InnovationsFr.Search;

/// <summary>Thrown when a search arrives before an index is open.</summary>
public sealed class IndexUnavailableException(string message) : Exception(message);
