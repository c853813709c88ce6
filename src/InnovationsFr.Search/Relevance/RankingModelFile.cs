namespace InnovationsFr.Search;

/// <summary>
/// A ranking model file that is read again when it changes (its time stamp is checked at most every
/// two seconds), like the synonym file: a model learnt again applies without a restart. A file that
/// cannot be read as a model leaves the last good one in force (none at first), and says why in
/// <see cref="Problem"/>; a removed file means no model.
/// </summary>
public sealed class RankingModelFile
{
    private readonly WatchedFile<RankingModel?> _file;

    public RankingModelFile(string? path)
        : this(path, TimeSpan.FromSeconds(2))
    {
    }

    internal RankingModelFile(string? path, TimeSpan checkEvery)
    {
        _file = new WatchedFile<RankingModel?>(path, checkEvery, RankingModel.Load, null);
    }

    /// <summary>No model: the first stage's ranking is the answer.</summary>
    public static readonly RankingModelFile None = new(null);

    public string? Path => _file.Path;

    /// <summary>Why the file on disk is not the model in force (unreadable, learnt over other features), or null.</summary>
    public string? Problem => _file.Problem;

    /// <summary>The model in force, or null (no file configured, none there, or none readable so far).</summary>
    public RankingModel? Current => _file.Current;
}
