using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>What is computed once per reader: the newest publication date and the display label of each tag.</summary>
internal sealed class ReaderFacts
{
    public required long NewestMillis { get; init; }
    /// <summary>Every tag's count and first and last use, computed on first need.</summary>
    public required Lazy<TagStats> TagStats { get; init; }

    /// <summary>
    /// The words of the articles and tag labels, for "did you mean" and completion: the
    /// <see cref="VocabularyKeeper"/>'s, which may lag this reader by a few seconds.
    /// </summary>
    public required Func<Vocabulary> Vocabulary { get; init; }

    /// <summary>Display label by tag key.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required TagAliases Aliases { get; init; }

    /// <summary>Display label ("A > B") by rubric path key ("a/b").</summary>
    public required IReadOnlyDictionary<string, string> RubricLabels { get; init; }

    /// <summary>
    /// The rubric paths a filter means: the path itself ("a", "a/b" or its labels), or every path
    /// ending with the named level ("Intelligence artificielle" → "…/intelligence-artificielle").
    /// </summary>
    public IReadOnlyList<string> ResolveRubric(string rubric)
    {
        var key = ArticleDocument.RubricFilterKey(rubric);
        return RubricLabels.Keys.Where(p => p == key || p.EndsWith("/" + key, StringComparison.Ordinal)).ToList();
    }

    public static ReaderFacts Read(IndexReader reader, TagAliases aliases, VocabularyKeeper? keeper = null)
    {
        var newest = int.MinValue;
        foreach (var leaf in reader.Leaves)
        {
            var days = SegmentCache.For(leaf.AtomicReader).Days;
            var live = leaf.AtomicReader.LiveDocs;
            for (var doc = 0; doc < days.Length; doc++)
            {
                if (live == null || live.Get(doc))
                {
                    newest = Math.Max(newest, days[doc]);
                }
            }
        }

        var labels = ElectLabels(reader, ArticleDocument.TagVariant, aliases.CanonicalLabel);
        var tagStats = new Lazy<TagStats>(() => Search.TagStats.Read(reader));
        return new ReaderFacts
        {
            NewestMillis = newest == int.MinValue ? 0 : newest * 86_400_000L,
            Labels = labels,
            Aliases = aliases,
            TagStats = tagStats,
            Vocabulary = VocabularyOf(reader, labels, tagStats, keeper ?? new VocabularyKeeper()),
            RubricLabels = ElectLabels(reader, ArticleDocument.RubricVariant, _ => null),
        };
    }

    private static Func<Vocabulary> VocabularyOf(IndexReader reader, Dictionary<string, string> labels, Lazy<TagStats> tagStats, VocabularyKeeper keeper)
    {
        Vocabulary Build() => Search.Vocabulary.Read(reader, labels.Select(l => (l.Key, l.Value, tagStats.Value.ByKey.GetValueOrDefault(l.Key).Count)).Where(t => t.Count > 0));
        return () => keeper.For(reader, Build);
    }

    /// <summary>
    /// Each tag's display label: the one the alias file gives it, else its most frequent
    /// spelling; on a tie, the one with more accented and capital letters (editors' careful
    /// spelling), then the first in order.
    /// </summary>
    private static Dictionary<string, string> ElectLabels(IndexReader reader, string field, Func<string, string?> imposed)
    {
        var best = new Dictionary<string, (string Label, int Count)>(StringComparer.Ordinal);
        var terms = MultiFields.GetTerms(reader, field);
        if (terms != null)
        {
            var iterator = terms.GetEnumerator();
            while (iterator.MoveNext())
            {
                var text = iterator.Term.Utf8ToString();
                var split = text.IndexOf(ArticleDocument.VariantSeparator, StringComparison.Ordinal);
                if (split <= 0)
                {
                    continue;
                }

                var slug = text[..split];
                var label = text[(split + 1)..];
                var count = iterator.DocFreq;
                if (!best.TryGetValue(slug, out var current) || count > current.Count ||
                    (count == current.Count && Care(label) > Care(current.Label)))
                {
                    best[slug] = (label, count);
                }
            }
        }

        return best.ToDictionary(kv => kv.Key, kv => imposed(kv.Key) ?? kv.Value.Label, StringComparer.Ordinal);
    }

    private static int Care(string label) => label.Count(c => c > 127 || char.IsUpper(c));
}
