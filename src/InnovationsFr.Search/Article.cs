namespace InnovationsFr.Search;

/// <summary>An article of the site, as the corpus and the API carry it.</summary>
public sealed record Article
{
    public required string Id { get; init; }
    public string Slug { get; init; } = "";
    public string Url { get; init; } = "";
    public required string Title { get; init; }
    /// <summary>The chapô: a short lead shown under the title.</summary>
    public string? Summary { get; init; }
    /// <summary>Plain text or HTML; HTML is reduced to text for indexing and snippets.</summary>
    public string Body { get; init; } = "";
    public string? Author { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Rubric path, levels separated by " > ", e.g. "Technologies et Avenirs > Intelligence Artificielle".</summary>
    public string? Rubric { get; init; }
    /// <summary>Tags as editors typed them.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
