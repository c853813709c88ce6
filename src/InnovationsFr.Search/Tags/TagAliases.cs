namespace InnovationsFr.Search;

/// <summary>
/// The identity of a tag and the editors' aliases. A tag's key folds everything an editor's typing
/// varies without meaning to — case, accents, spaces, punctuation, hyphens ("IA Générative",
/// "ia generative", "start-up", "startup") — and an alias maps what folding cannot see
/// ("startups" → "startup", "IA" → "Intelligence artificielle") onto its canonical tag.
/// </summary>
public sealed class TagAliases
{
    /// <summary>The file name under which a generation keeps the aliases it was built with.</summary>
    public const string FileName = "tag-aliases.txt";

    private readonly Dictionary<string, (string Key, string Label)> _byKey;

    // The label of each canonical key (the first alias line naming it): looked up for every tag indexed.
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

    private TagAliases(Dictionary<string, (string Key, string Label)> byKey, string text)
    {
        _byKey = byKey;
        Text = text;
        foreach (var target in byKey.Values)
        {
            _labels.TryAdd(target.Key, target.Label);
        }
    }

    public static TagAliases None { get; } = new([], "");

    /// <summary>The file as read, so that a build can keep it beside the index.</summary>
    public string Text { get; }

    public int Count => _byKey.Count;

    /// <summary>The folded identity of a spelling, before aliases: the slug without its hyphens.</summary>
    public static string Fold(string? label) => Slug.From(label).Replace("-", "", StringComparison.Ordinal);

    /// <summary>The canonical key of any spelling, alias or slug of a tag.</summary>
    public string Key(string? label)
    {
        var key = Fold(label);
        return _byKey.TryGetValue(key, out var target) ? target.Key : key;
    }

    /// <summary>The label an editor gave a canonical tag in the alias file, if any.</summary>
    public string? CanonicalLabel(string key) => _labels.GetValueOrDefault(key);

    public static TagAliases Load(string? path) =>
        path == null || !File.Exists(path) ? None : Parse(File.ReadAllText(path), path);

    /// <summary>Reads "variant => canonical" lines; '#' starts a comment. Chains resolve to their end.</summary>
    public static TagAliases Parse(string text, string source = "tag aliases")
    {
        var direct = new Dictionary<string, (string Key, string Label)>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split("=>", 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || Fold(parts[0]).Length == 0 || Fold(parts[1]).Length == 0)
            {
                throw new FormatException($"{source}:{lineNumber}: expected 'variant => canonical tag', got '{line}'");
            }

            var from = Fold(parts[0]);
            var to = Fold(parts[1]);
            if (from != to)
            {
                direct[from] = (to, parts[1]);
            }
        }

        // Resolve chains (a => b, b => c) to their end; a cycle keeps its first step.
        var resolved = new Dictionary<string, (string Key, string Label)>(StringComparer.Ordinal);
        foreach (var (from, first) in direct)
        {
            var target = first;
            var seen = new HashSet<string>(StringComparer.Ordinal) { from };
            while (direct.TryGetValue(target.Key, out var next) && seen.Add(target.Key))
            {
                target = next;
            }

            resolved[from] = target;
        }

        return new TagAliases(resolved, text);
    }
}
