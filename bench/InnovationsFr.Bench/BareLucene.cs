using System.Collections.Concurrent;
using System.Diagnostics;
using InnovationsFr.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace InnovationsFr.Bench;

/// <summary>
/// The baseline: the same corpus parsed by the same reader and analysed by the same French chain,
/// indexed as plain id/title/body/tag fields and searched with a plain BooleanQuery. What is left
/// between this and the product is the product's own overhead.
/// </summary>
internal sealed class BareLucene : IDisposable
{
    private readonly FSDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    private BareLucene(string path, double seconds)
    {
        Seconds = seconds;
        _directory = FSDirectory.Open(path);
        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
        IndexBytes = Stats.DirectorySize(path);
    }

    public double Seconds { get; }

    public long IndexBytes { get; }

    public static BareLucene Build(string corpus, string path, int threads)
    {
        if (System.IO.Directory.Exists(path))
        {
            System.IO.Directory.Delete(path, recursive: true);
        }

        Console.WriteLine("building with a bare Lucene.Net loop…");
        var clock = Stopwatch.StartNew();
        using (var directory = FSDirectory.Open(path))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, FrenchAnalysis.Stemmed)
        {
            OpenMode = OpenMode.CREATE,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = 256,
            MaxThreadStates = threads,
        }))
        {
            using var queue = new BlockingCollection<Article>(2048);
            var consumers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
            {
                foreach (var article in queue.GetConsumingEnumerable())
                {
                    var doc = new Document
                    {
                        new StringField("id", article.Id, Field.Store.YES),
                        new TextField("title", article.Title, Field.Store.YES),
                        new TextField("body", article.Body, Field.Store.YES),
                    };
                    foreach (var tag in article.Tags)
                    {
                        doc.Add(new StringField("tag", Slug.From(tag), Field.Store.NO));
                    }

                    writer.AddDocument(doc);
                }
            })).ToArray();
            using (var reader = new CorpusReader(corpus))
            {
                foreach (var entry in reader.ReadAll())
                {
                    if (entry.Article != null)
                    {
                        queue.Add(entry.Article);
                    }
                }
            }

            queue.CompleteAdding();
            Task.WaitAll(consumers);
            writer.Commit();
        }

        Console.WriteLine($"  done in {clock.Elapsed.TotalSeconds:F1} s");
        return new BareLucene(path, clock.Elapsed.TotalSeconds);
    }

    public List<double> SearchLatencies(IReadOnlyList<BenchQuery> queries, int passes) => Stats.Latencies(queries, passes, Run);

    private void Run(BenchQuery q)
    {
        var query = new BooleanQuery();
        var words = new BooleanQuery();
        foreach (var token in FrenchAnalysis.Tokens(q.Text.Replace("\"", " ", StringComparison.Ordinal)))
        {
            words.Add(new TermQuery(new Term("title", token)) { Boost = 3 }, Occur.SHOULD);
            words.Add(new TermQuery(new Term("body", token)), Occur.SHOULD);
        }

        query.Add(words.Clauses.Count > 0 ? words : new MatchAllDocsQuery(), Occur.MUST);
        if (q.Tag != null)
        {
            query.Add(new TermQuery(new Term("tag", Slug.From(q.Tag))), Occur.MUST);
        }

        var top = _searcher.Search(query, 10);
        foreach (var hit in top.ScoreDocs)
        {
            _ = _searcher.Doc(hit.Doc).Get("id");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
    }
}
