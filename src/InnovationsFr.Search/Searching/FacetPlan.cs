namespace InnovationsFr.Search;

/// <summary>What a faceted collection filters on and ranks by.</summary>
internal sealed record FacetPlan(
    int Depth,
    bool ByDate,
    int NewestDay,
    IReadOnlyList<string> SelectedTags,
    bool AllTags,
    IReadOnlyList<string>? RubricKeys,
    long? FromMillis,
    long? ToMillis,
    bool CountFacets = true,
    long Deadline = long.MaxValue,
    (double Rank, int Doc)? After = null);

/// <summary>A search ran past its time budget: what was collected so far is all there is.</summary>
internal sealed class SearchBudgetExceededException() : Exception("the search ran past its time budget");
