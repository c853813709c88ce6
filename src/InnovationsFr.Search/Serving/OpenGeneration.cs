using Lucene.Net.Index;
using Lucene.Net.Search;

namespace InnovationsFr.Search;

/// <summary>
/// An open generation: its directory, searcher manager, aliases and (when the index accepts
/// writes) its writer. Counts the searches running on it, so that retiring it (another generation
/// is swapped in) closes it only once the last of them is done.
/// </summary>
internal sealed class OpenGeneration(string generation, Lucene.Net.Store.Directory directory, SearcherManager manager, TagAliases aliases, IndexWriter? writer)
{
    private int _users;
    private int _retired;
    private int _closed;

    /// <summary>The generation's folder.</summary>
    public string Generation { get; } = generation;

    public SearcherManager Manager { get; } = manager;

    public TagAliases Aliases { get; } = aliases;

    public IndexWriter? Writer { get; } = writer;

    /// <summary>Counts a user in; false once retired (the caller reads the generation served again).</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _users);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _users) == 0 && Volatile.Read(ref _retired) == 1)
        {
            Close();
        }
    }

    /// <summary>No new users; closed when the running ones are done. Its writer's uncommitted changes are dropped: they are in the journal.</summary>
    public void Retire()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _users) == 0)
        {
            Close();
        }
    }

    /// <summary>Commits the writer's changes up to <paramref name="sequence"/>, then retires (shutdown).</summary>
    public void CommitAndRetire(long sequence)
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Writer != null && Volatile.Read(ref _closed) == 0)
        {
            LiveWrites.Commit(Writer, sequence);
        }

        if (Volatile.Read(ref _users) == 0)
        {
            Close();
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        Manager.Dispose();
        if (Writer != null)
        {
            try
            {
                Writer.Rollback();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        directory.Dispose();
    }
}
