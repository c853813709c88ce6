using System.Globalization;
using System.Text.Json;
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
public sealed partial class ZeroResultLog(string path) : BackgroundService
{
    public const int MaxEntries = 1000;
    public const int MaxQueryChars = 200;

    private readonly Dictionary<string, ZeroResultEntry> _entries = Load(path);
    private readonly System.Threading.Lock _lock = new();
    private bool _dirty;

    public void Record(string? query, DateTimeOffset now)
    {
        var text = Normalize(query);
        if (text.Length == 0)
        {
            return;
        }

        lock (_lock)
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

            _dirty = true;
        }
    }

    public ZeroResultReport Report(int limit)
    {
        lock (_lock)
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: StopAsync saves
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    /// <summary>Writes the log if it changed (to a temporary file, then renamed over the old one).</summary>
    public void Save()
    {
        List<ZeroResultEntry> snapshot;
        lock (_lock)
        {
            if (!_dirty)
            {
                return;
            }

            snapshot = [.. _entries.Values];
            _dirty = false;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(snapshot));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_lock)
            {
                _dirty = true; // try again on the next tick
            }
        }
    }

    private static Dictionary<string, ZeroResultEntry> Load(string path)
    {
        try
        {
            var entries = File.Exists(path) ? JsonSerializer.Deserialize<List<ZeroResultEntry>>(File.ReadAllText(path)) ?? [] : [];
            return entries
                .Where(e => e.Query is { Length: > 0 and <= MaxQueryChars })
                .OrderByDescending(e => e.Count)
                .Take(MaxEntries)
                .GroupBy(e => e.Query, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return new Dictionary<string, ZeroResultEntry>(StringComparer.Ordinal); // an unreadable log starts afresh
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[^\s@]+@[^\s@]+")]
    private static partial Regex Emails();

    [GeneratedRegex(@"\d[\d .-]{5,}\d")]
    private static partial Regex LongNumbers();
}
