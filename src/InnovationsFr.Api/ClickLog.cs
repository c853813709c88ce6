using System.Globalization;
using System.Text;

namespace InnovationsFr.Api;

/// <summary>Clicks on one article for one query on one day: how many, and weighted for the position they were made at.</summary>
public sealed record ClickDay(string Query, string Article, DateOnly Day, int Clicks, double Weighted);

/// <summary>Clicks on one article for one query within the window.</summary>
public sealed record ClickEntry(string Query, string Article, int Clicks, double Weighted, DateOnly LastDay);

/// <summary>The click log, most weighted first.</summary>
public sealed record ClickReport(int Pairs, int WindowDays, IReadOnlyList<ClickEntry> Clicks);

/// <summary>
/// Which result of which query readers open, for learning to rank. Only the query text is kept,
/// masked as the zero-result log masks it (lower case, e-mail addresses and long numbers hidden, 200
/// characters at most), with the article id and counts per day: no IP, no user agent, no session.
/// A click deep in the list says more than one at the top, which readers click because it is first:
/// each click is weighted by the inverse of how often readers look that far (position-bias
/// correction: √rank, capped at rank 20). Days older than the window age out. Bounded to
/// <see cref="MaxEntries"/> query-article-days (the oldest and lightest go first).
/// </summary>
public sealed class ClickLog(string path, int windowDays, TimeProvider clock) : SavedLog<ClickDay>(path)
{
    public const int MaxEntries = 50_000;

    /// <summary>Ranks past this one weigh as much as it.</summary>
    public const int MaxWeightedRank = 20;

    private readonly Dictionary<(string Query, string Article, DateOnly Day), ClickDay> _days = Read(path)
        .Where(d => d.Query is { Length: > 0 and <= ZeroResultLog.MaxQueryChars } && d.Article is { Length: > 0 } && d.Clicks > 0)
        .GroupBy(d => (d.Query, d.Article, d.Day))
        .ToDictionary(g => g.Key, g => g.First());

    private long _recorded;

    public int WindowDays { get; } = Math.Max(1, windowDays);

    /// <summary>Clicks recorded since the service started.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>The weight of a click at a rank (1 = first result).</summary>
    public static double Weight(int rank) => Math.Sqrt(Math.Clamp(rank, 1, MaxWeightedRank));

    public void Record(string query, string article, int rank)
    {
        var text = ZeroResultLog.Normalize(query);
        if (text.Length == 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Interlocked.Increment(ref _recorded);
        lock (Sync)
        {
            var key = (text, article, today);
            _days[key] = _days.TryGetValue(key, out var day)
                ? day with { Clicks = day.Clicks + 1, Weighted = day.Weighted + Weight(rank) }
                : new ClickDay(text, article, today, 1, Weight(rank));
            if (_days.Count > MaxEntries)
            {
                AgeOut(today);
                foreach (var evicted in _days.Values.OrderBy(d => d.Day).ThenBy(d => d.Weighted).Take(_days.Count - MaxEntries).ToList())
                {
                    _days.Remove((evicted.Query, evicted.Article, evicted.Day));
                }
            }

            Changed();
        }
    }

    /// <summary>Clicks per query and article within the window, most weighted first.</summary>
    public ClickReport Report(int limit)
    {
        var entries = Entries();
        return new ClickReport(entries.Count, WindowDays, entries.Take(limit).ToList());
    }

    /// <summary>
    /// The clicks as judgments ("query&lt;TAB&gt;article&lt;TAB&gt;grade", what learn-ranking reads):
    /// per query, the most clicked article (weighted) grade 2, those with at least 30 % of its weight grade 1.
    /// </summary>
    public string Judgments()
    {
        var text = new StringBuilder("# query\tarticle\tgrade (from readers' clicks, position-weighted)\n");
        foreach (var query in Entries().GroupBy(e => e.Query, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var best = query.Max(e => e.Weighted);
            foreach (var entry in query.OrderByDescending(e => e.Weighted).ThenBy(e => e.Article, StringComparer.Ordinal))
            {
                var grade = entry.Weighted >= best ? 2 : entry.Weighted >= 0.3 * best ? 1 : 0;
                if (grade > 0)
                {
                    // Tabs and line breaks were folded to spaces by Normalize: a line is one judgment.
                    text.Append(CultureInfo.InvariantCulture, $"{entry.Query}\t{entry.Article}\t{grade}\n");
                }
            }
        }

        return text.ToString();
    }

    private List<ClickEntry> Entries()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        lock (Sync)
        {
            AgeOut(today);
            return _days.Values
                .GroupBy(d => (d.Query, d.Article))
                .Select(g => new ClickEntry(g.Key.Query, g.Key.Article, g.Sum(d => d.Clicks), Math.Round(g.Sum(d => d.Weighted), 3), g.Max(d => d.Day)))
                .OrderByDescending(e => e.Weighted).ThenBy(e => e.Query, StringComparer.Ordinal).ThenBy(e => e.Article, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Drops the days past the window (under <see cref="SavedLog{TEntry}.Sync"/>).</summary>
    private void AgeOut(DateOnly today)
    {
        var oldest = today.AddDays(-WindowDays + 1);
        foreach (var key in _days.Keys.Where(k => k.Day < oldest).ToList())
        {
            _days.Remove(key);
            Changed();
        }
    }

    protected override List<ClickDay> Snapshot() => [.. _days.Values];
}
