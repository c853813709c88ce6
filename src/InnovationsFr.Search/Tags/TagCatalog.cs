using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>Tag listing, tag pages, clouds and the duplicate report, over one borrowed searcher.</summary>
internal static class TagCatalog
{
    private const double MillisPerDay = 86_400_000d;

    /// <summary>Article counts per tag key in a scope, and the number of articles in it.</summary>
    public static (IReadOnlyDictionary<string, int> Counts, int Articles) Count(IndexSearcher searcher, ReaderFacts facts, TagScope scope)
    {
        if (scope.IsWholeIndex)
        {
            var stats = facts.TagStats.Value;
            return (stats.ByKey.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal), stats.Articles);
        }

        var plan = new FacetPlan(
            1,
            ByDate: false,
            SegmentCache.Day(facts.NewestMillis),
            [],
            AllTags: true,
            string.IsNullOrWhiteSpace(scope.Rubric) ? null : facts.ResolveRubric(scope.Rubric),
            scope.From?.ToUnixTimeMilliseconds(),
            scope.To?.ToUnixTimeMilliseconds());
        var collector = new FacetedCollector(plan);
        var tags = scope.Tags.Select(facts.Aliases.Key).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        searcher.Search(QueryFactory.Build(UserQuery.Parse(scope.Query)) ?? new MatchAllDocsQuery(), Prefilter(plan, tags, scope.TagMode), collector);
        return (collector.TagCounts().Present, collector.TagBase);
    }

    /// <summary>
    /// Tags and rubric as a Lucene filter, so that only the documents in scope reach the collector
    /// (a widget's rubric cloud then reads a ninth of the index, not all of it). Dates stay with the
    /// collector, which reads them from its arrays: a doc-values range filter decoded every document
    /// and cost more than it saved. The collector checks everything again.
    /// </summary>
    private static Filter? Prefilter(FacetPlan plan, IReadOnlyList<string> tags, TagMode mode)
    {
        var clauses = new Lucene.Net.Queries.BooleanFilter();
        if (tags.Count > 0)
        {
            var selected = new BooleanQuery();
            foreach (var key in tags)
            {
                selected.Add(new TermQuery(new Term(ArticleDocument.Tag, key)), mode == TagMode.All ? Occur.MUST : Occur.SHOULD);
            }

            clauses.Add(new QueryWrapperFilter(selected), Occur.MUST);
        }

        if (plan.RubricKeys != null)
        {
            var rubrics = new BooleanQuery();
            foreach (var key in plan.RubricKeys)
            {
                rubrics.Add(new TermQuery(new Term(ArticleDocument.Rubric, key)), Occur.SHOULD);
            }

            clauses.Add(new QueryWrapperFilter(rubrics), Occur.MUST);
        }

        return clauses.Clauses.Count == 0 ? null : clauses;
    }

    public static TagListPage List(IndexSearcher searcher, ReaderFacts facts, TagListRequest request)
    {
        var (counts, _) = Count(searcher, facts, request.Scope);
        var prefix = Slug.From(request.Prefix);
        var tags = counts
            .Select(kv => Tag(kv.Key, kv.Value, facts))
            .Where(t => prefix.Length == 0 || ("-" + t.Slug).Contains("-" + prefix, StringComparison.Ordinal));
        var ordered = request.Sort == TagSort.Name
            ? tags.OrderBy(t => t.Slug, StringComparer.Ordinal).ThenByDescending(t => t.Count)
            : tags.OrderByDescending(t => t.Count).ThenBy(t => t.Slug, StringComparer.Ordinal);
        var all = ordered.ToList();
        return new TagListPage(all.Count, request.Page, request.Size, all.Skip((request.Page - 1) * request.Size).Take(request.Size).ToList());
    }

    /// <summary>A tag's facts, or null when no article carries it; <paramref name="articles"/> fetches its page of articles.</summary>
    public static TagDetail? Detail(IndexSearcher searcher, ReaderFacts facts, string tag, int page, int size, Func<string, IReadOnlyList<ArticleHit>> articles)
    {
        var key = facts.Aliases.Key(tag);
        if (!facts.TagStats.Value.ByKey.TryGetValue(key, out var stats))
        {
            return null;
        }

        var label = facts.Labels.GetValueOrDefault(key, key);
        return new TagDetail(
            Slug.From(label),
            label,
            stats.Count,
            DateTimeOffset.FromUnixTimeMilliseconds(stats.First),
            DateTimeOffset.FromUnixTimeMilliseconds(stats.Last),
            Variants(searcher.IndexReader, key),
            Related(searcher, facts, key, stats.Count),
            page,
            size,
            articles(key));
    }

    /// <summary>The spellings indexed under a key, most used first.</summary>
    private static List<TagVariant> Variants(IndexReader reader, string key)
    {
        var variants = new List<TagVariant>();
        var terms = MultiFields.GetTerms(reader, ArticleDocument.TagVariant);
        if (terms == null)
        {
            return variants;
        }

        var prefix = new BytesRef(key + ArticleDocument.VariantSeparator);
        var iterator = terms.GetEnumerator();
        if (iterator.SeekCeil(prefix) == TermsEnum.SeekStatus.END)
        {
            return variants;
        }

        do
        {
            if (!StringHelper.StartsWith(iterator.Term, prefix))
            {
                break;
            }

            variants.Add(new TagVariant(iterator.Term.Utf8ToString()[prefix.Length..], iterator.DocFreq));
        }
        while (iterator.MoveNext());

        return variants.OrderByDescending(v => v.Count).ThenBy(v => v.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Tags that go with <paramref name="key"/>, ranked by normalised PMI over at least two shared
    /// articles: lift against chance, not raw co-occurrence, so that the most common tags, which
    /// co-occur with everything, only rank when they really go together.
    /// </summary>
    private static List<RelatedTag> Related(IndexSearcher searcher, ReaderFacts facts, string key, int count)
    {
        var plan = new FacetPlan(1, ByDate: false, 0, [key], AllTags: true, null, null, null);
        var collector = new FacetedCollector(plan);
        searcher.Search(new MatchAllDocsQuery(), collector);
        var together = collector.TagCounts().Toggle;
        var stats = facts.TagStats.Value;
        double n = Math.Max(1, stats.Articles);
        return together
            .Where(kv => kv.Key != key && kv.Value >= 2 && stats.ByKey.ContainsKey(kv.Key))
            .Select(kv =>
            {
                var other = stats.ByKey[kv.Key].Count;
                var pab = kv.Value / n;
                var lift = pab / (count / n * (other / n));
                var npmi = pab >= 1 ? 1 : Math.Log(lift) / -Math.Log(pab);
                var label = facts.Labels.GetValueOrDefault(kv.Key, kv.Key);
                return new RelatedTag(Slug.From(label), label, other, kv.Value, Math.Round(lift, 3), Math.Round(npmi, 4));
            })
            .Where(r => r.Lift > 1)
            .OrderByDescending(r => r.Score)
            .ThenByDescending(r => r.Together)
            .ThenBy(r => r.Slug, StringComparer.Ordinal)
            .Take(10)
            .ToList();
    }

    /// <summary>
    /// wp_tag_cloud: the <c>number</c> most used tags (or, trending, those whose share rose most),
    /// scaled as WordPress does — round(log10(count + 1) × 100), or the counts themselves — and
    /// spread linearly between smallest and largest.
    /// </summary>
    public static TagCloud Cloud(IndexSearcher searcher, ReaderFacts facts, TagCloudRequest request)
    {
        var scope = request.Scope;
        if (request.Days != null || (request.Trending && scope.From == null && scope.To == null))
        {
            var to = DateTimeOffset.FromUnixTimeMilliseconds(facts.NewestMillis);
            scope = scope with { From = to.AddDays(-(request.Days ?? 30)), To = to };
        }

        var (counts, articles) = Count(searcher, facts, scope);
        var chosen = counts.Select(kv => (Key: kv.Key, Count: kv.Value, Rise: (double?)null));
        if (request.Trending)
        {
            var length = scope.To!.Value - scope.From!.Value;
            var (before, beforeArticles) = Count(searcher, facts, scope with { From = scope.From - length, To = scope.From.Value.AddMilliseconds(-1) });
            chosen = chosen
                .Select(t => t with { Rise = Math.Round((double)t.Count / Math.Max(1, articles) - (double)before.GetValueOrDefault(t.Key) / Math.Max(1, beforeArticles), 4) })
                .Where(t => t.Rise > 0 && t.Count >= 2)
                .OrderByDescending(t => t.Rise)
                .ThenByDescending(t => t.Count);
        }
        else
        {
            chosen = chosen.OrderByDescending(t => t.Count).ThenBy(t => t.Key, StringComparer.Ordinal);
        }

        var top = (request.Number > 0 ? chosen.Take(request.Number) : chosen).ToList();
        var entries = Sizes(top, request, facts);
        IEnumerable<TagCloudEntry> ordered = request.Order switch
        {
            CloudOrder.Rand => entries.OrderBy(_ => Random.Shared.Next()),
            _ when request.OrderBy == CloudOrderBy.Count => entries.OrderBy(e => e.Count).ThenBy(e => e.Slug, StringComparer.Ordinal),
            _ => entries.OrderBy(e => e.Label, StringComparer.Create(CultureInfo.GetCultureInfo("fr-FR"), CompareOptions.IgnoreCase)),
        };
        if (request.Order == CloudOrder.Desc)
        {
            ordered = ordered.Reverse();
        }

        return new TagCloud(ordered.ToList(), scope.From, scope.To, request.Trending);
    }

    private static List<TagCloudEntry> Sizes(List<(string Key, int Count, double? Rise)> tags, TagCloudRequest request, ReaderFacts facts)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        double Scaled(int count) => request.Scale == CloudScale.Log ? Math.Round(Math.Log10(count + 1) * 100) : count;
        var min = tags.Min(t => Scaled(t.Count));
        var spread = tags.Max(t => Scaled(t.Count)) - min;
        if (spread <= 0)
        {
            spread = 1;
        }

        var fontSpread = request.Largest - request.Smallest;
        if (fontSpread < 0)
        {
            fontSpread = 1;
        }

        var step = fontSpread / spread;
        return tags.Select(t =>
        {
            var label = facts.Labels.GetValueOrDefault(t.Key, t.Key);
            var slug = Slug.From(label);
            var size = Math.Round(request.Smallest + (Scaled(t.Count) - min) * step, 3);
            var weight = Math.Round((Scaled(t.Count) - min) / spread, 4);
            return new TagCloudEntry(label, slug, t.Count, weight, size, request.Unit, size.ToString("0.###", CultureInfo.InvariantCulture) + request.Unit, "/tags/" + slug, t.Rise);
        }).ToList();
    }

    /// <summary>The duplicate report over the whole index.</summary>
    public static List<TagDuplicateGroup> Duplicates(IndexReader reader, ReaderFacts facts, int limit)
    {
        var stats = facts.TagStats.Value;
        var tags = stats.ByKey.Select(kv => (kv.Key, facts.Labels.GetValueOrDefault(kv.Key, kv.Key), kv.Value.Count)).ToList();
        return TagDuplicates.Find(tags, AlwaysTogether(reader, stats), limit);
    }

    /// <summary>Pairs of tags used on 3 articles or more that never appear one without the other.</summary>
    private static Dictionary<(string, string), int> AlwaysTogether(IndexReader reader, TagStats stats)
    {
        var pairs = new Dictionary<(string, string), int>();
        var term = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var cache = SegmentCache.For(leaf.AtomicReader);
            var values = leaf.AtomicReader.GetSortedSetDocValues(ArticleDocument.Tag);
            if (values == null)
            {
                continue;
            }

            var keys = new string?[cache.Tags.ValueCount];
            var live = leaf.AtomicReader.LiveDocs;
            var candidates = new List<(string Key, int Count)>();
            for (var doc = 0; doc < cache.Millis.Length; doc++)
            {
                if (live != null && !live.Get(doc))
                {
                    continue;
                }

                candidates.Clear();
                for (var i = cache.Tags.Starts[doc]; i < cache.Tags.Starts[doc + 1]; i++)
                {
                    var ord = cache.Tags.Ords[i];
                    if (keys[ord] == null)
                    {
                        values.LookupOrd(ord, term);
                        keys[ord] = term.Utf8ToString();
                    }

                    var count = stats.ByKey.GetValueOrDefault(keys[ord]!).Count;
                    if (count >= 3)
                    {
                        candidates.Add((keys[ord]!, count));
                    }
                }

                for (var a = 0; a < candidates.Count; a++)
                {
                    for (var b = a + 1; b < candidates.Count; b++)
                    {
                        if (candidates[a].Count == candidates[b].Count)
                        {
                            var pair = string.CompareOrdinal(candidates[a].Key, candidates[b].Key) < 0
                                ? (candidates[a].Key, candidates[b].Key)
                                : (candidates[b].Key, candidates[a].Key);
                            pairs[pair] = pairs.GetValueOrDefault(pair) + 1;
                        }
                    }
                }
            }
        }

        return pairs.Where(kv => kv.Value == stats.ByKey[kv.Key.Item1].Count).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static TagCount Tag(string key, int count, ReaderFacts facts)
    {
        var label = facts.Labels.GetValueOrDefault(key, key);
        return new TagCount(Slug.From(label), label, count);
    }
}
