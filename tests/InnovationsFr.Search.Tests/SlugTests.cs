using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests;

public class SlugTests
{
    [Theory]
    [InlineData("IA générative", "ia-generative")]
    [InlineData("ia generative", "ia-generative")]
    [InlineData("IA Générative", "ia-generative")]
    [InlineData("  Cœur  d'État  ", "coeur-d-etat")]
    [InlineData("Chine OMC Droits douane", "chine-omc-droits-douane")]
    [InlineData("!!!", "")]
    public void From_FoldsCaseAccentsAndPunctuation(string text, string expected)
    {
        Assert.Equal(expected, Slug.From(text));
    }

    [Fact]
    public void From_GivesWhatTheRuleSpelledOutGives_OnRandomLabels()
    {
        // The rule a character at a time: decompose, drop the marks, lower case, fold the ligatures
        // and the letters without a decomposition, keep ASCII letters and digits, one dash a run of anything else.
        static string Rule(string text)
        {
            var sb = new System.Text.StringBuilder();
            var pendingDash = false;
            foreach (var c in text.Normalize(System.Text.NormalizationForm.FormD))
            {
                if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                var folded = char.ToLowerInvariant(c) switch { 'œ' => "oe", 'æ' => "ae", 'ß' => "ss", 'ø' => "o", 'ł' => "l", 'đ' => "d", var other => other.ToString() };
                if (char.IsAsciiLetterOrDigit(folded[0]))
                {
                    sb.Append(pendingDash && sb.Length > 0 ? "-" : "").Append(folded);
                    pendingDash = false;
                }
                else
                {
                    pendingDash = true;
                }
            }

            return sb.ToString();
        }

        var random = new Random(1129);
        string[] alphabet = [.. "aAzZ09 -_'’.,!éÉèêëàâäîïôöùûüçÇœŒæÆßøØłŁđĐñÑ\u00a0\tαΩ…–«»&/".Select(c => c.ToString()), "e\u0301", "😀"];
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, i % 100 == 0 ? 400 : 24)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            Assert.Equal(Rule(text), Slug.From(text));
        }
    }
}
