namespace InnovationsFr.Search;

/// <summary>
/// A synonym file that is read again when it changes (its time stamp is checked at most every
/// two seconds), so editors' changes apply without a rebuild or a restart.
/// </summary>
public sealed class SynonymFile
{
    private readonly WatchedFile<Synonyms> _file;

    public SynonymFile(string? path)
        : this(path, TimeSpan.FromSeconds(2))
    {
    }

    internal SynonymFile(string? path, TimeSpan checkEvery)
    {
        _file = new WatchedFile<Synonyms>(path, checkEvery, Synonyms.Load, Synonyms.None);
    }

    public static readonly SynonymFile None = new(null);

    public string? Path => _file.Path;

    public Synonyms Current => _file.Current;
}
