using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests;

/// <summary>A real index in a temporary folder, built through the product's own builder.</summary>
public sealed class TestIndex : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TestIndex(IEnumerable<Article> articles, SynonymFile? synonyms = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "ifr-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        CorpusPath = Path.Combine(Root, "articles.jsonl");
        WriteCorpus(CorpusPath, articles);
        Folder = new IndexFolder(Path.Combine(Root, "index"));
        var report = IndexBuilder.BuildAsync(Folder, [CorpusPath]).GetAwaiter().GetResult();
        Assert.Equal(BuildOutcome.Published, report.Outcome);
        Index = new SearchIndex(Folder, synonyms);
        Index.Open();
    }

    public string Root { get; }

    public string CorpusPath { get; }

    public IndexFolder Folder { get; }

    public SearchIndex Index { get; }

    public static void WriteCorpus(string path, IEnumerable<Article> articles) =>
        File.WriteAllLines(path, articles.Select(a => JsonSerializer.Serialize(a, Json)));

    public static Article Article(string id, string title, string body, string date = "2025-01-01T10:00:00+01:00", string? rubric = null, string? summary = null, params string[] tags) => new()
    {
        Id = id,
        Slug = Slug.From(title),
        Url = $"https://example.test/{id}",
        Title = title,
        Summary = summary,
        Body = body,
        PublishedAt = DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        Rubric = rubric,
        Tags = tags,
    };

    public List<string> Ids(string? query, Func<SearchRequest, SearchRequest>? refine = null)
    {
        var request = new SearchRequest { Query = query, Size = 100 };
        return Index.Search(refine == null ? request : refine(request)).Hits.Select(h => h.Id).ToList();
    }

    public void Dispose()
    {
        Index.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
