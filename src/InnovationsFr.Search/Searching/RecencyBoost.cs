namespace InnovationsFr.Search;

/// <summary>
/// A mild recency boost: × (1 + <see cref="MaxBoost"/> × 2^(−age / <see cref="HalfLifeDays"/>)),
/// the age counted in days from the newest article in the index (not the wall clock, so an archive
/// keeps its order and tests are stable). At most +15% for the newest coverage, +7.5% six months
/// earlier: it reorders near-ties towards fresh news but never lifts a body-only mention over a
/// title match, whose BM25 score is several times higher.
/// </summary>
internal static class RecencyBoost
{
    public const float MaxBoost = 0.15f;
    public const double HalfLifeDays = 180;

    /// <summary>The factor by whole days of age, computed once (Math.Pow per matching document showed in profiles).</summary>
    private static readonly float[] ByAgeDays = Enumerable.Range(0, 20 * 365)
        .Select(days => 1f + (float)(MaxBoost * Math.Pow(2, -days / HalfLifeDays)))
        .ToArray();

    public static float FactorByDays(int ageDays) =>
        ageDays <= 0 ? ByAgeDays[0] : ageDays < ByAgeDays.Length ? ByAgeDays[ageDays] : 1f;
}
