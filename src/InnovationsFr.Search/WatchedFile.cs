namespace InnovationsFr.Search;

/// <summary>
/// A file an editor may change while the service runs (synonyms, a ranking model): read at start,
/// and again when its time stamp changes (checked at most every <c>checkEvery</c>), so that a change
/// applies without a rebuild or a restart. A file being written (an I/O error) is read again on the
/// next check; one that cannot be read as what it should be (<see cref="FormatException"/>) leaves
/// the last good value in force and says why in <see cref="Problem"/>; a removed file gives the
/// value for "none".
/// </summary>
internal sealed class WatchedFile<T>
{
    private readonly TimeSpan _checkEvery;
    private readonly Func<string, T> _load;
    private readonly T _none;
    private readonly System.Threading.Lock _lock = new();
    private T _current;
    private DateTime _stamp = DateTime.MinValue;
    private long _checkedAt;

    public WatchedFile(string? path, TimeSpan checkEvery, Func<string, T> load, T none)
    {
        Path = path;
        _checkEvery = checkEvery;
        _load = load;
        _none = none;
        _current = none;
        if (path != null)
        {
            lock (_lock)
            {
                Check();
            }
        }
    }

    public string? Path { get; }

    /// <summary>Why the file on disk is not the value in force, or null.</summary>
    public string? Problem { get; private set; }

    public T Current
    {
        get
        {
            if (Path == null || Environment.TickCount64 - Volatile.Read(ref _checkedAt) < _checkEvery.TotalMilliseconds)
            {
                return _current;
            }

            lock (_lock)
            {
                Check();
                return _current;
            }
        }
    }

    private void Check()
    {
        Volatile.Write(ref _checkedAt, Environment.TickCount64);
        var stamp = File.Exists(Path) ? File.GetLastWriteTimeUtc(Path!) : DateTime.MinValue;
        if (stamp == _stamp)
        {
            return;
        }

        if (stamp == DateTime.MinValue)
        {
            _current = _none;
            _stamp = stamp;
            Problem = null;
            return;
        }

        try
        {
            _current = _load(Path!);
            _stamp = stamp;
            Problem = null;
        }
        catch (FormatException e)
        {
            _stamp = stamp;
            Problem = e.Message;
        }
        catch (IOException)
        {
            // being written: read it again on the next check
        }
    }
}
