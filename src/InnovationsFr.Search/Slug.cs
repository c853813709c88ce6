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

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var pendingDash = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var folded = Fold(char.ToLowerInvariant(c));
            if (folded.Length > 0 && char.IsLetterOrDigit(folded[0]) && folded[0] < 128)
            {
                if (pendingDash && sb.Length > 0)
                {
                    sb.Append('-');
                }

                pendingDash = false;
                sb.Append(folded);
            }
            else
            {
                pendingDash = true;
            }
        }

        return sb.ToString();
    }

    private static string Fold(char c) => c switch
    {
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        _ => c.ToString(),
    };
}
