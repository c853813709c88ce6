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
    public static string Write(string version, (double Rank, int Doc) last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{version}|{last.Rank:R}|{last.Doc}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (double Rank, int Doc) Read(string cursor, string version)
    {
        string text;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }

        var parts = text.Split('|');
        if (parts.Length != 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rank) || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var doc))
        {
            throw new InvalidCursorException("cursor is not one this API gave: pass the nextCursor of the previous page.");
        }

        if (parts[0] != version)
        {
            throw new InvalidCursorException("cursor has expired: the index changed since; start again from the first page.");
        }

        return (rank, doc);
    }
}
