namespace InnovationsFr.Api.Index;

/// <summary>Configuration section "Search".</summary>
public sealed class SearchSettings
{
    public const string Section = "Search";

    /// <summary>Index folder; relative paths are resolved against the repository root.</summary>
    public string IndexPath { get; set; } = "index-data";

    /// <summary>Corpus (JSON lines) to build from when no index exists; relative like IndexPath.</summary>
    public string CorpusPath { get; set; } = "corpus/articles.jsonl";

    /// <summary>The editors' tag alias file used when the API builds an index; relative like IndexPath.</summary>
    public string TagAliasesPath { get; set; } = "config/tag-aliases.txt";

    /// <summary>The editors' synonym file, read again when it changes (no rebuild); relative like IndexPath.</summary>
    public string SynonymsPath { get; set; } = "config/synonyms.txt";

    /// <summary>
    /// A learned ranking model (InnovationsFr.Indexer learn-ranking), read again when it changes; none
    /// there: the first stage's ranking. Relative like IndexPath.
    /// </summary>
    public string RankingModelPath { get; set; } = "config/ranking-model.zip";

    /// <summary>Where readers' clicks on results are kept between restarts; default: clicks.json in the index folder.</summary>
    public string? ClicksPath { get; set; }

    /// <summary>Days of clicks kept: older ones age out of the log and of the judgments it exports.</summary>
    public int ClickWindowDays { get; set; } = 90;

    /// <summary>Where the zero-result log is kept between restarts; default: zero-results.json in the index folder.</summary>
    public string? ZeroResultsPath { get; set; }

    /// <summary>The longest a search may run, in milliseconds; past it the answer holds what was found so far, with partial: true. 0: no budget.</summary>
    public double TimeBudgetMs { get; set; } = 1000;

    /// <summary>How often admin writes are made visible to searches, in milliseconds (when there are any).</summary>
    public double RefreshMs { get; set; } = 500;

    /// <summary>How often acknowledged writes are committed, in milliseconds (replicas copy commits: with replicas, 500–1000).</summary>
    public double CommitMs { get; set; } = 5000;

    /// <summary>"primary" (default: the service owns the index and takes writes) or "replica" (a read-only copy of a primary's latest commit).</summary>
    public string Role { get; set; } = "primary";

    /// <summary>A replica's primary: its base address (http://10.0.0.5:5000/).</summary>
    public string? Primary { get; set; }

    /// <summary>A replica's key for its primary's replication endpoints (one of the primary's Admin:ReadKeys).</summary>
    public string? PrimaryKey { get; set; }

    /// <summary>How long a replica's request for a newer commit waits at the primary before asking again, in milliseconds.</summary>
    public double ReplicaWaitMs { get; set; } = 10_000;

    /// <summary>Whether this service is a replica.</summary>
    public bool IsReplica => string.Equals(Role, "replica", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with the role settings, or null.</summary>
    public string? RoleProblem() =>
        !IsReplica && !string.Equals(Role, "primary", StringComparison.OrdinalIgnoreCase) ? $"Search:Role is \"{Role}\": primary or replica"
        : IsReplica && !(Uri.TryCreate(Primary, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") ? $"Search:Role is replica but Search:Primary (\"{Primary}\") is not an http(s) address"
        : IsReplica && string.IsNullOrWhiteSpace(PrimaryKey) ? "Search:Role is replica but Search:PrimaryKey (one of the primary's admin read keys) is not set"
        : null;

    /// <summary>Build the index from the corpus at start-up when none exists.</summary>
    public bool BuildIfMissing { get; set; } = true;

    /// <summary>
    /// The folder relative paths are resolved against: the nearest ancestor of the content root
    /// that holds InnovationsFr.sln (so `dotnet run --project src/InnovationsFr.Api` finds the
    /// repository's corpus/ and index-data/), else the content root itself (a published app).
    /// </summary>
    public static string RepositoryRoot(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return dir.FullName;
            }
        }

        return contentRoot;
    }

    public static string Resolve(string path, string contentRoot) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(RepositoryRoot(contentRoot), path));
}
