namespace InnovationsFr.Search;

/// <summary>
/// Groups of tags that are probably one beyond automatic folding: the same light-stemmed words
/// ("Véhicule électrique" / "véhicules électriques"), an abbreviation of the other's words ("UE" /
/// "Union européenne"), one a whole-word prefix of the other ("Chips" / "Chips Act"), an edit
/// distance of 1–2 between long tags ("cybersecurite" / "cybersecuirte"), or two tags always used
/// together. Pairs are joined into groups; the most used member is the proposed label.
/// </summary>
internal static class TagDuplicates
{
    private static readonly HashSet<string> Minor = new(StringComparer.Ordinal)
    {
        "de", "des", "du", "la", "le", "les", "l", "d", "et", "en", "a", "au", "aux", "of", "the", "and", "pour", "sur",
    };

    public static List<TagDuplicateGroup> Find(IReadOnlyList<(string Key, string Label, int Count)> tags, IReadOnlyDictionary<(string, string), int> alwaysTogether, int limit)
    {
        var index = tags.Select((t, i) => (t.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var parent = Enumerable.Range(0, tags.Count).ToArray();
        var reasons = new Dictionary<int, List<string>>();

        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        void Join(int a, int b, string reason)
        {
            var (ra, rb) = (Find(a), Find(b));
            if (ra != rb)
            {
                parent[rb] = ra;
            }

            var root = Find(a);
            if (!reasons.TryGetValue(root, out var list))
            {
                reasons[root] = list = [];
            }

            list.Add($"{tags[a].Label} ~ {tags[b].Label}: {reason}");
        }

        // Same stems: the French chain without stop words, words in order.
        foreach (var group in tags.Select((t, i) => (Stems: string.Join(' ', FrenchAnalysis.Tokens(t.Label)), i))
                     .Where(x => x.Stems.Length > 0)
                     .GroupBy(x => x.Stems, StringComparer.Ordinal)
                     .Where(g => g.Count() > 1))
        {
            var first = group.First().i;
            foreach (var other in group.Skip(1))
            {
                Join(first, other.i, $"same stems \"{group.Key}\"");
            }
        }

        var words = tags.Select(t => Slug.From(t.Label).Split('-', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var slugs = words.Select(w => string.Join('-', w)).ToArray();
        var byKey = tags.Select((t, i) => (t.Key, i)).ToLookup(x => x.Key, x => x.i, StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            // Abbreviation: the initials of the content words of a tag of two words or more.
            var content = words[i].Where(w => !Minor.Contains(w)).ToArray();
            if (content.Length >= 2)
            {
                var initials = string.Concat(content.Select(w => w[0]));
                foreach (var j in byKey[initials])
                {
                    Join(i, j, "abbreviation");
                }
            }

            // Whole-word prefix: "chips" and "chips-act".
            if (slugs[i].Length >= 4)
            {
                var prefix = slugs[i] + "-";
                for (var j = 0; j < tags.Count; j++)
                {
                    if (j != i && slugs[j].StartsWith(prefix, StringComparison.Ordinal))
                    {
                        Join(i, j, "one is a prefix of the other");
                    }
                }
            }
        }

        // Edit distance 1–2 between long tags (short ones differ meaningfully: "4G" / "5G").
        var longTags = tags.Select((t, i) => (t.Key, i)).Where(x => x.Key.Length >= 8).Take(5000).ToArray();
        for (var a = 0; a < longTags.Length; a++)
        {
            for (var b = a + 1; b < longTags.Length; b++)
            {
                var (ka, kb) = (longTags[a].Key, longTags[b].Key);
                if (Math.Abs(ka.Length - kb.Length) > 2)
                {
                    continue;
                }

                var distance = DamerauLevenshtein(ka, kb, 2);
                if (distance is 1 or 2)
                {
                    Join(longTags[a].i, longTags[b].i, $"edit distance {distance}");
                }
            }
        }

        foreach (var ((a, b), together) in alwaysTogether)
        {
            if (index.TryGetValue(a, out var ia) && index.TryGetValue(b, out var ib))
            {
                Join(ia, ib, $"always used together ({together} articles)");
            }
        }

        return Enumerable.Range(0, tags.Count)
            .GroupBy(Find)
            .Where(g => g.Count() > 1)
            .Select(g =>
            {
                var members = g.Select(i => tags[i]).OrderByDescending(t => t.Count).ThenBy(t => t.Label, StringComparer.Ordinal).ToList();
                var proposed = members[0].Label;
                return new TagDuplicateGroup(
                    proposed,
                    members.Select(m => new TagCount(Slug.From(m.Label), m.Label, m.Count)).ToList(),
                    reasons.GetValueOrDefault(g.Key) ?? [],
                    members.Skip(1).Select(m => $"{m.Label} => {proposed}").ToList());
            })
            .OrderByDescending(g => g.Tags.Count)
            .ThenByDescending(g => g.Tags.Sum(t => t.Count))
            .Take(limit)
            .ToList();
    }

    /// <summary>Optimal string alignment distance, or max + 1 once it exceeds <paramref name="max"/>.</summary>
    internal static int DamerauLevenshtein(string a, string b, int max)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var rowMin = int.MaxValue;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }

                rowMin = Math.Min(rowMin, d[i, j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }
        }

        return d[a.Length, b.Length];
    }
}
