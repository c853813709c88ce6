using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace InnovationsFr.Search;

/// <summary>
/// The reference engines' setting, on this machine, for comparison with the product: bare Lucene
/// with BM25 over title (weight 2) and body, every query word OR-ed over both fields, through the
/// same French analysis as the product — no tags, proximity, recency, synonyms or typo tolerance.
/// </summary>
public sealed class BaselineRanker : IDisposable
{
    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    public BaselineRanker(IEnumerable<(string Id, string Title, string Body)> documents)
    {
        var config = new IndexWriterConfig(FrenchAnalysis.Version, FrenchAnalysis.Stemmed) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(_directory, config))
        {
            foreach (var (id, title, body) in documents)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", id, Field.Store.YES),
                    new TextField("title", title, Field.Store.NO),
                    new TextField("body", body, Field.Store.NO),
                });
            }
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>Document ids, best first.</summary>
    public IReadOnlyList<string> Rank(string query, int k)
    {
        var words = FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, query).Distinct(StringComparer.Ordinal).Take(500).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var boolean = new BooleanQuery();
        foreach (var word in words)
        {
            boolean.Add(new TermQuery(new Term("title", word)) { Boost = 2 }, Occur.SHOULD);
            boolean.Add(new TermQuery(new Term("body", word)), Occur.SHOULD);
        }

        var fields = new HashSet<string> { "id" };
        return _searcher.Search(boolean, k).ScoreDocs.Select(d => _searcher.Doc(d.Doc, fields).Get("id")).ToList();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }
}
