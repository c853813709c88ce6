namespace InnovationsFr.Search;

/// <summary>A cursor that is not one this index gave, or was given by an index version no longer served.</summary>
public sealed class InvalidCursorException(string message) : Exception(message);
