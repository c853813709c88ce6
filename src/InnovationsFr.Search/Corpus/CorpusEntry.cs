namespace InnovationsFr.Search;

/// <summary>One line of a corpus file: an article, or the reason it was refused.</summary>
public sealed record CorpusEntry(string File, int Line, Article? Article, string? Problem)
{
    public string Where => $"{File}:{Line}";
}
