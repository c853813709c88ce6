using System.Globalization;
using System.Text;

namespace InnovationsFr.Search;

/// <summary>
/// A nextCursor: the version of the searcher that produced the page, and the rank and document of
/// its last hit, base64url. It is only valid for that version: document numbers and ranks mean
/// nothing on another reader, so a cursor from an older version is refused ("expired").
/// </summary>
internal static class Cursor
{
    /// <summary>Marks a cursor into a learned ranking's re-ordered head: it names a position, not a rank.</summary>
    private const string Reordered = "R";

    public static string Write(string version, (double Rank, int Doc) last) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"{version}|{last.Rank:R}|{last.Doc}"));

    /// <summary>A cursor to position <paramref name="offset"/> of a ranking a learned model re-ordered (ranks mean nothing there).</summary>
    public static string WriteOffset(string version, int offset) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"{version}|{Reordered}|{offset}"));

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Where a cursor starts: after a rank and document, or at a position of a re-ordered ranking.</summary>
    public static ((double Rank, int Doc)? After, int Offset) Read(string cursor, string version)
    {
        var parts = Decode(cursor);
        if (parts.Length == 3 && parts[1] == Reordered && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            Check(parts[0], version);
            return (null, offset);
        }

        if (parts.Length != 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rank) || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var doc))
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }

        Check(parts[0], version);
        return ((rank, doc), 0);
    }

    private static string[] Decode(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='))).Split('|');
        }
        catch (FormatException)
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }
    }

    private static void Check(string cursorVersion, string version)
    {
        if (cursorVersion != version)
        {
            throw new InvalidCursorException("cursor has expired: the index changed since; start again from the first page.");
        }
    }
}
