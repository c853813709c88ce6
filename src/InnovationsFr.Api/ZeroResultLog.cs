using System.Globalization;
using System.Text.RegularExpressions;

namespace InnovationsFr.Api;

/// <summary>A query that found nothing: how often and when last.</summary>
public sealed record ZeroResultEntry(string Query, int Count, DateTimeOffset LastSeen);

/// <summary>The zero-result log, most frequent first.</summary>
public sealed record ZeroResultReport(int Distinct, IReadOnlyList<ZeroResultEntry> Queries);

/// <summary>
/// Queries that found nothing, for editors (what readers look for and the site lacks, or a
/// missing synonym). Only the query text is kept — lower-cased, spaces collapsed, cut to
/// <see cref="MaxQueryChars"/> characters, e-mail addresses and long digit runs (phone or card
/// numbers) masked — with a count and the last time seen: no IP, no user agent, nothing else.
/// Bounded: at most <see cref="MaxEntries"/> queries (the rarest and oldest go first), so the
/// file stays under about 300 KB. Written every 30 s when changed and at shutdown, atomically.
/// </summary>
public sealed partial class ZeroResultLog(string path) : SavedLog<ZeroResultEntry>(path)
{
    public const int MaxEntries = 1000;
    public const int MaxQueryChars = 200;

    private readonly Dictionary<string, ZeroResultEntry> _entries = Load(path);

    public void Record(string? query, DateTimeOffset now)
    {
        var text = Normalize(query);
        if (text.Length == 0)
        {
            return;
        }

        lock (Sync)
        {
            if (_entries.TryGetValue(text, out var entry))
            {
                _entries[text] = entry with { Count = entry.Count + 1, LastSeen = now };
            }
            else
            {
                if (_entries.Count >= MaxEntries)
                {
                    var evicted = _entries.Values.OrderBy(e => e.Count).ThenBy(e => e.LastSeen).First();
                    _entries.Remove(evicted.Query);
                }

                _entries[text] = new ZeroResultEntry(text, 1, now);
            }

            Changed();
        }
    }

    public ZeroResultReport Report(int limit)
    {
        lock (Sync)
        {
            return new ZeroResultReport(
                _entries.Count,
                _entries.Values.OrderByDescending(e => e.Count).ThenByDescending(e => e.LastSeen).ThenBy(e => e.Query, StringComparer.Ordinal).Take(limit).ToList());
        }
    }

    internal static string Normalize(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return "";
        }

        var text = Spaces().Replace(query.Trim(), " ").ToLower(CultureInfo.InvariantCulture);
        text = Emails().Replace(text, "[e-mail]");
        text = LongNumbers().Replace(text, "[numéro]");
        return text.Length > MaxQueryChars ? text[..MaxQueryChars] : text;
    }

    protected override List<ZeroResultEntry> Snapshot() => [.. _entries.Values];

    private static Dictionary<string, ZeroResultEntry> Load(string path) => Read(path)
        .Where(e => e.Query is { Length: > 0 and <= MaxQueryChars })
        .OrderByDescending(e => e.Count)
        .Take(MaxEntries)
        .GroupBy(e => e.Query, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[^\s@]+@[^\s@]+")]
    private static partial Regex Emails();

    [GeneratedRegex(@"\d[\d .-]{5,}\d")]
    private static partial Regex LongNumbers();
}
