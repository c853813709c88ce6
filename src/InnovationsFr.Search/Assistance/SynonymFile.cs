namespace InnovationsFr.Search;

/// <summary>
/// A synonym file that is read again when it changes (its time stamp is checked at most every
/// two seconds), so editors' changes apply without a rebuild or a restart.
/// </summary>
public sealed class SynonymFile
{
    private readonly TimeSpan _checkEvery;
    private readonly string? _path;
    private readonly System.Threading.Lock _lock = new();
    private Synonyms _current;
    private DateTime _stamp;
    private long _checkedAt;

    public SynonymFile(string? path)
        : this(path, TimeSpan.FromSeconds(2))
    {
    }

    internal SynonymFile(string? path, TimeSpan checkEvery)
    {
        _checkEvery = checkEvery;
        _path = path;
        _stamp = Stamp();
        _current = path == null ? Synonyms.None : Synonyms.Load(path);
        _checkedAt = Environment.TickCount64;
    }

    public static readonly SynonymFile None = new(null);

    public string? Path => _path;

    public Synonyms Current
    {
        get
        {
            if (_path == null || Environment.TickCount64 - Volatile.Read(ref _checkedAt) < _checkEvery.TotalMilliseconds)
            {
                return _current;
            }

            lock (_lock)
            {
                _checkedAt = Environment.TickCount64;
                var stamp = Stamp();
                if (stamp != _stamp)
                {
                    try
                    {
                        _current = Synonyms.Load(_path);
                        _stamp = stamp;
                    }
                    catch (IOException)
                    {
                        // being written: keep the last good list and read it again on the next check
                    }
                }

                return _current;
            }
        }
    }

    private DateTime Stamp() => _path != null && File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
}
