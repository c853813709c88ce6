namespace InnovationsFr.Search;

/// <summary>A WordPress term as the site names it: display name and slug (nicename).</summary>
public sealed record WordPressTerm(string Name, string Slug);

/// <summary>An imported post: the article, and its WordPress identity and terms as WordPress spells them.</summary>
public sealed record WordPressPost(Article Article, long PostId, IReadOnlyList<WordPressTerm> Tags, IReadOnlyList<WordPressTerm> Categories);

/// <summary>What an import read and kept: published posts, and why the other items were left out.</summary>
public sealed record WordPressImportReport(IReadOnlyList<WordPressPost> Posts, IReadOnlyDictionary<string, int> Skipped, IReadOnlyList<string> Problems);
