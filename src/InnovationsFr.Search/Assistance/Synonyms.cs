namespace InnovationsFr.Search;

/// <summary>
/// Editors' synonyms and acronyms: groups of equivalent words or phrases ("IA, intelligence
/// artificielle, AI"), one group per line, '#' starts a comment. Matched on the query's analysed
/// words (so case, accents, elision and plurals do not matter) and expanded at query time only: a
/// change needs no rebuild.
/// </summary>
public sealed class Synonyms
{
    public static readonly Synonyms None = new([]);

    /// <summary>Each variant's key (its stems, or its folded form when they are all stop words) → its group.</summary>
    private readonly Dictionary<string, int> _groupByKey = new(StringComparer.Ordinal);

    private Synonyms(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        Groups = groups;
        Fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join('\n', groups.Select(g => string.Join('\t', g))))))[..16];
        for (var g = 0; g < groups.Count; g++)
        {
            var variants = groups[g].Select(v => new QueryPart(v, isPhrase: false, excluded: false)).ToArray();
            _variants.Add(variants);
            foreach (var part in variants)
            {
                var variant = part.Text;
                _ = part.Exact; // analysed now: the list is shared by every request's threads
                var key = part.SynonymKey;
                if (key.Length > 0)
                {
                    _groupByKey.TryAdd(key, g);
                    LongestVariant = Math.Max(LongestVariant, variant.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
                }
            }
        }
    }

    /// <summary>A digest of the groups: two lists with the same groups have the same one (answers are cached by it).</summary>
    public string Fingerprint { get; }

    /// <summary>The groups, each variant as the editors wrote it.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Groups { get; }

    /// <summary>Words in the longest variant: the longest span of a query worth matching.</summary>
    internal int LongestVariant { get; }

    public static Synonyms Parse(IEnumerable<string> lines)
    {
        var groups = new List<IReadOnlyList<string>>();
        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var variants = line.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (variants.Count >= 2)
            {
                groups.Add(variants);
            }
        }

        return new Synonyms(groups);
    }

    public static Synonyms Load(string path) => File.Exists(path) ? Parse(File.ReadLines(path)) : None;

    /// <summary>
    /// The match key of a word or phrase: its stems; for an acronym the analysis drops as a stop
    /// word ("AI", "CE"), the letters exactly as written, so that "AI" matches but the French "ai"
    /// or "ce" does not.
    /// </summary>
    internal static string Key(string text) => KeyOf(FrenchAnalysis.Analyze(FrenchAnalysis.Stemmed, text), text);

    /// <summary>The match key from stems already computed.</summary>
    internal static string KeyOf(IReadOnlyList<string> stems, string text) => stems.Count > 0 ? string.Join(' ', stems) : "=" + text.Trim();

    /// <summary>A group's variants as query parts, analysed when the list was loaded.</summary>
    internal IReadOnlyList<QueryPart> Variants(int group) => _variants[group];

    private readonly List<QueryPart[]> _variants = [];

    /// <summary>The group a key belongs to, or -1.</summary>
    internal int GroupOf(string key) => _groupByKey.TryGetValue(key, out var g) ? g : -1;

    /// <summary>Whether a word is one of the variants (then it is never fuzzed: acronyms are short and exact).</summary>
    internal bool Contains(string word) => _groupByKey.ContainsKey(Key(word));

    /// <summary>Whether a query part is one of the variants.</summary>
    internal bool Contains(QueryPart part) => _groupByKey.ContainsKey(part.SynonymKey);

    /// <summary>Whether a word whose stems are known is one of the variants.</summary>
    internal bool Contains(IReadOnlyList<string> stems, string word) => _groupByKey.ContainsKey(KeyOf(stems, word));
}
