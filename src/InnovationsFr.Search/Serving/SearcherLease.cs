using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// A searcher borrowed for one request (Examine's idea): everything the request reads — hits,
/// counts, the cache key, a cursor's version — comes from this one searcher, and disposing it gives
/// the searcher back to its manager and the generation its user count.
/// </summary>
internal readonly struct SearcherLease : IDisposable
{
    private readonly OpenGeneration _open;
    private readonly ServedGeneration _served;

    internal SearcherLease(ServedGeneration served, OpenGeneration open, IndexSearcher searcher)
    {
        _served = served;
        _open = open;
        Searcher = searcher;
    }

    public IndexSearcher Searcher { get; }

    public IndexReader Reader => Searcher.IndexReader;

    /// <summary>The aliases the generation was built with.</summary>
    public TagAliases Aliases => _open.Aliases;

    /// <summary>What is computed once per reader (tag labels, newest date, vocabulary).</summary>
    public ReaderFacts Facts => _served.Facts(Reader, _open.Aliases);

    /// <summary>The generation's folder name.</summary>
    public string Generation => Path.GetFileName(_open.Generation);

    /// <summary>Changes whenever what this searcher answers may differ from another's: generation and reader version.</summary>
    public string Version => string.Create(CultureInfo.InvariantCulture, $"{Generation}.{((DirectoryReader)Reader).Version}");

    public void Dispose()
    {
        try
        {
            _open.Manager.Release(Searcher);
        }
        finally
        {
            _open.Exit();
        }
    }
}
