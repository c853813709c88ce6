using System.Globalization;

namespace InnovationsFr.Search;

/// <summary>
/// What a commit records of itself (Lucene's commit user data): the last admin-journal sequence it
/// holds (replay starts after it) and when it was made (a replica's lag). Written by builds and by
/// the live writer, read by the writer at open, by replication and by a replica's status.
/// </summary>
internal static class CommitData
{
    private const string SequenceKey = "journal-seq";
    private const string CommittedAtKey = "committed-at";

    /// <summary>The user data of a commit made now that holds the journal up to <paramref name="sequence"/>.</summary>
    public static Dictionary<string, string> Of(long sequence) => new()
    {
        [SequenceKey] = sequence.ToString(CultureInfo.InvariantCulture),
        [CommittedAtKey] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The last journal sequence the commit holds (0 when it does not say).</summary>
    public static long Sequence(IDictionary<string, string> data) =>
        data.TryGetValue(SequenceKey, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence) ? sequence : 0;

    /// <summary>When the commit was made, or null when it does not say.</summary>
    public static DateTimeOffset? CommittedAt(IDictionary<string, string> data) =>
        data.TryGetValue(CommittedAtKey, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis)
            ? DateTimeOffset.FromUnixTimeMilliseconds(millis)
            : null;
}
