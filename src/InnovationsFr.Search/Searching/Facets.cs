using System.Globalization;

namespace InnovationsFr.Search;

/// <summary>Turns a faceted collection's counts into the facets of a search page.</summary>
internal static class Facets
{
    /// <summary>
    /// Selected tags first (always listed, whatever their count), then the other tags by count.
    /// "all": each count is the total the search would have with that tag toggled (ticking narrows).
    /// "any": each count is the tag's own count within the other filters (rubric, dates), whether
    /// ticked or not: Elasticsearch post_filter / Algolia disjunctive facets, what checkbox lists show.
    /// </summary>
    public static IReadOnlyList<TagFacet> Tags(FacetedCollector collector, FacetPlan plan, SearchRequest request, IReadOnlyDictionary<string, string> labels)
    {
        var (present, toggle) = collector.TagCounts();
        var selected = plan.SelectedTags;
        var facets = new List<TagFacet>();
        for (var i = 0; i < selected.Count; i++)
        {
            var count = plan.AllTags
                ? collector.TagBasePassing + collector.SelectedShift[i]
                : present.GetValueOrDefault(selected[i]);
            facets.Add(Facet(selected[i], count, selected: true, labels));
        }

        var isSelected = selected.ToHashSet(StringComparer.Ordinal);
        facets.AddRange(present.Keys
            .Where(key => !isSelected.Contains(key))
            .Select(key => (Key: key, Count: selected.Count > 0 && plan.AllTags ? toggle.GetValueOrDefault(key) : present[key]))
            .Where(t => t.Count >= Math.Max(1, request.FacetMinCount))
            .OrderByDescending(t => t.Count)
            .ThenByDescending(t => present[t.Key])
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, request.FacetLimit))
            .Select(t => Facet(t.Key, t.Count, selected: false, labels)));
        return facets;
    }

    private static TagFacet Facet(string key, int count, bool selected, IReadOnlyDictionary<string, string> labels)
    {
        var label = labels.GetValueOrDefault(key, key);
        return new TagFacet(Slug.From(label), label, count, selected);
    }

    /// <summary>Every rubric and sub-rubric with results, in tree order.</summary>
    public static IReadOnlyList<RubricFacet> Rubrics(FacetedCollector collector, SearchRequest request, IReadOnlyDictionary<string, string> labels) =>
        collector.RubricCounts()
            .Where(kv => kv.Value >= Math.Max(1, request.FacetMinCount))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new RubricFacet(kv.Key, labels.GetValueOrDefault(kv.Key, kv.Key), kv.Value))
            .ToList();

    /// <summary>Years or months with results, oldest first.</summary>
    public static IReadOnlyList<DateBucket> Dates(FacetedCollector collector, SearchRequest request) =>
        collector.MonthCounts
            .GroupBy(kv => request.Histogram == DateInterval.Year
                ? (kv.Key / 12).ToString("D4", CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{kv.Key / 12:D4}-{kv.Key % 12 + 1:D2}"))
            .Select(g => new DateBucket(g.Key, g.Sum(kv => kv.Value)))
            .Where(b => b.Count >= Math.Max(1, request.FacetMinCount))
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .ToList();
}
