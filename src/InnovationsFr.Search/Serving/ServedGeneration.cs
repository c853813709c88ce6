using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// The served generation's lifetime: opens the generation the folder's CURRENT names, lends its
/// searcher one request at a time (<see cref="Borrow"/>), swaps in another generation and retires
/// the old one once its last request is done. Lock: one swap at a time (<c>_swapLock</c>); borrowing
/// takes no lock (a user count on the generation). Whoever owns a writer (<see cref="LiveWrites"/>)
/// swaps with writes paused, and hands in how the new generation's writer is opened.
/// </summary>
internal sealed class ServedGeneration(IndexFolder folder, Func<double> statisticsDrift)
{
    private readonly ConditionalWeakTable<IndexReader, ReaderFacts> _facts = new();
    private readonly VocabularyKeeper _vocabulary = new();
    private readonly System.Threading.Lock _swapLock = new();
    private OpenGeneration? _open;

    public IndexFolder Folder => folder;

    public bool IsOpen => Volatile.Read(ref _open) != null;

    /// <summary>When the generation now served was opened (null before).</summary>
    public DateTimeOffset? OpenedAt { get; private set; }

    /// <summary>The generation now served, or null.</summary>
    public OpenGeneration? Current => Volatile.Read(ref _open);

    /// <summary>
    /// Opens the generation CURRENT names and serves it; the one served before is retired (closed
    /// after its last request). <paramref name="openWriter"/> opens the new generation's writer (live
    /// writes) or is null (read-only: searches follow the directory's commits).
    /// </summary>
    public void Swap(Func<string, Lucene.Net.Store.Directory, TagAliases, IndexWriter>? openWriter)
    {
        lock (_swapLock)
        {
            var generation = folder.CurrentGeneration
                ?? throw new IndexUnavailableException($"no index in {folder.Root}: build one first");
            var directory = new MappedDirectory(generation);
            var aliases = TagAliases.Load(Path.Combine(generation, TagAliases.FileName));
            IndexWriter? writer = null;
            SearcherManager manager;
            try
            {
                var factory = new WarmingSearcherFactory(this, aliases, statisticsDrift());
                writer = openWriter?.Invoke(generation, directory, aliases);
                manager = writer != null ? new SearcherManager(writer, applyAllDeletes: true, factory) : new SearcherManager(directory, factory);
            }
            catch
            {
                writer?.Dispose();
                directory.Dispose();
                throw;
            }

            var previous = Interlocked.Exchange(ref _open, new OpenGeneration(generation, directory, manager, aliases, writer));
            OpenedAt = DateTimeOffset.UtcNow;
            previous?.Retire();
        }
    }

    /// <summary>
    /// Opens what the served generation holds now — its writer's changes, or (read-only) a commit
    /// copied into its folder; searches running keep theirs. False when nothing is served.
    /// </summary>
    public bool Refresh()
    {
        var open = Volatile.Read(ref _open);
        if (open == null || !open.TryEnter())
        {
            return false;
        }

        try
        {
            open.Manager.MaybeRefreshBlocking();
            return true;
        }
        finally
        {
            open.Exit();
        }
    }

    /// <summary>Whether CURRENT names another generation than the one served (a build published it).</summary>
    public bool CurrentMoved() =>
        folder.CurrentGeneration is { } current && Volatile.Read(ref _open) is { } open && !SameFolder(current, open.Generation);

    /// <summary>Borrows the searcher served now; dispose the lease to give it back.</summary>
    public SearcherLease Borrow()
    {
        OpenGeneration open;
        // A generation being retired takes no new requests: read the one served again.
        do
        {
            open = Volatile.Read(ref _open) ?? throw new IndexUnavailableException("the index is not open yet");
        }
        while (!open.TryEnter());

        try
        {
            return new SearcherLease(this, open, open.Manager.Acquire());
        }
        catch
        {
            open.Exit();
            throw;
        }
    }

    /// <summary>Takes the generation out of service (shutdown): it is closed after its last request, its writer committed first up to <paramref name="sequence"/>.</summary>
    public void Close(long sequence)
    {
        var open = Interlocked.Exchange(ref _open, null);
        if (open?.Writer != null)
        {
            open.CommitAndRetire(sequence);
        }
        else
        {
            open?.Retire();
        }
    }

    public ReaderFacts Facts(IndexReader reader, TagAliases aliases) => _facts.GetValue(reader, r => ReaderFacts.Read(r, aliases, _vocabulary));

    public static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>Searchers score with BM25 and their epoch's statistics, and each new one has its facts computed before it serves (on the refresh thread, not a reader's).</summary>
    private sealed class WarmingSearcherFactory(ServedGeneration served, TagAliases aliases, double drift) : SearcherFactory
    {
        private StatisticsEpoch? _epoch;

        /// <summary>Called by the searcher manager, one refresh at a time.</summary>
        public override IndexSearcher NewSearcher(IndexReader reader)
        {
            _epoch = StatisticsEpoch.For(_epoch, reader, drift);
            var searcher = new EpochSearcher(reader, _epoch);
            served.Facts(reader, aliases);
            return searcher;
        }
    }
}
