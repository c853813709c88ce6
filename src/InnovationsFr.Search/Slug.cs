using System.Globalization;
using System.Text;

namespace InnovationsFr.Search;

/// <summary>Slugs: lower case, accents and ligatures folded, every run of other characters turned into one '-'.</summary>
public static class Slug
{
    public static string From(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        // Accented letters decomposed (é → e and its accent, a mark dropped below); ASCII has none.
        // A span, not a string a character: tag keys and rubric keys are made for every article indexed.
        var source = System.Text.Ascii.IsValid(text) ? text : text.Normalize(NormalizationForm.FormD);
        Span<char> slug = source.Length <= 256 ? stackalloc char[source.Length * 2] : new char[source.Length * 2];
        var length = 0;
        var pendingDash = false;
        foreach (var c in source)
        {
            if (c >= 128 && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            var folded = Fold(lower);
            if (char.IsAsciiLetterOrDigit(folded?[0] ?? lower))
            {
                if (pendingDash && length > 0)
                {
                    slug[length++] = '-';
                }

                pendingDash = false;
                if (folded == null)
                {
                    slug[length++] = lower;
                }
                else
                {
                    folded.CopyTo(slug[length..]);
                    length += folded.Length;
                }
            }
            else
            {
                pendingDash = true;
            }
        }

        return new string(slug[..length]);
    }

    /// <summary>What a ligature or a letter without a decomposition folds to, or null when it stays itself.</summary>
    private static string? Fold(char c) => c switch
    {
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        _ => null,
    };
}
