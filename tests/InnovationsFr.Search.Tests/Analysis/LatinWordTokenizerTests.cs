using System.Text;
using InnovationsFr.Search;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace InnovationsFr.Search.Tests.Analysis;

public class LatinWordTokenizerTests
{
    [Theory]
    [InlineData("L'IA d’OpenAI", "L'IA<ALPHANUM>@0-4+1 d’OpenAI<ALPHANUM>@5-13+1")]
    [InlineData("3,5 % en 2024, x86_64 et 5G.", "3,5<NUM>@0-3+1 en<ALPHANUM>@6-8+1 2024<NUM>@9-13+1 x86_64<ALPHANUM>@15-21+1 et<ALPHANUM>@22-24+1 5G<ALPHANUM>@25-27+1")]
    [InlineData("États-Unis : l·a a:b a..b", "États<ALPHANUM>@0-5+1 Unis<ALPHANUM>@6-10+1 l·a<ALPHANUM>@13-16+1 a:b<ALPHANUM>@17-20+1 a<ALPHANUM>@21-22+1 b<ALPHANUM>@24-25+1")]
    // A non-Latin text goes through Lucene's tokenizer.
    [InlineData("Αθήνα 😀 cœur", "Αθήνα<ALPHANUM>@0-5+1 cœur<ALPHANUM>@9-13+1")]
    public void Splits_words_with_their_types_offsets_and_positions(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Tokens(new LatinWordTokenizer(new StringReader(text))).Tokens.Select(t => $"{t.Term}{t.Type}@{t.Start}-{t.End}+{t.Increment}")));
    }

    /// <summary>Random texts over Latin letters, digits, every joining and splitting character, and a few others: Lucene's StandardTokenizer is the reference.</summary>
    [Fact]
    public void Gives_what_Lucenes_standard_tokenizer_gives_character_by_character()
    {
        var random = new Random(3);
        var latin = Enumerable.Range(0x20, 0x5F).Concat(Enumerable.Range(0xA0, 0xE0)).Select(c => (char)c)
            .Concat("\t\n\r\u0085\u2018\u2019\u2013\u2014\u2026\u201c\u201d\u202f\u20ac").ToArray();
        const string letters = "aeizAZéèçœŒàÿ", digits = "0189", joiners = " .,;:'’‘_·-";
        var tokenizer = new LatinWordTokenizer(TextReader.Null);
        tokenizer.Dispose();
        var texts = Enumerable.Range(0, 40_000).Select(n =>
        {
            var text = new StringBuilder();
            var length = random.Next(0, 24);
            for (var i = 0; i < length; i++)
            {
                var pick = random.Next(100);
                text.Append(pick switch
                {
                    < 40 => letters[random.Next(letters.Length)],
                    < 55 => digits[random.Next(digits.Length)],
                    < 85 => joiners[random.Next(joiners.Length)],
                    _ => latin[random.Next(latin.Length)],
                });
            }

            // One text in fifty has a character from elsewhere (Greek, an emoji), or a word past the longest token.
            return (n % 50) switch
            {
                0 => text.Append("Ωμέγα"),
                1 => text.Append("😀x"),
                2 => text.Append(new string('a', 300)).Append(" fin"),
                _ => text,
            };
        }).Select(t => t.ToString());

        foreach (var text in texts)
        {
            var standard = Tokens(new StandardTokenizer(LuceneVersion.LUCENE_48, new StringReader(text)));
            tokenizer.SetReader(new StringReader(text));
            var ours = Tokens(tokenizer, dispose: false);
            tokenizer.Dispose();

            Assert.True(standard.Tokens.SequenceEqual(ours.Tokens), $"\"{text}\": expected [{string.Join(", ", standard.Tokens)}], got [{string.Join(", ", ours.Tokens)}]");
            Assert.True(standard.End == ours.End, $"\"{text}\": end {standard.End} ≠ {ours.End}");
        }
    }

    private static (List<StreamedToken> Tokens, (int Offset, int Increment) End) Tokens(Tokenizer tokenizer, bool dispose = true)
    {
        var read = StreamedToken.Read(tokenizer);
        if (dispose)
        {
            tokenizer.Dispose();
        }

        return read;
    }
}
