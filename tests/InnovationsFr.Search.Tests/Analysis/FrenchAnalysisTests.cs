using System.Text;
using InnovationsFr.Search;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace InnovationsFr.Search.Tests.Analysis;

public class FrenchAnalysisTests
{
    [Theory]
    // Elision (both apostrophes), lower case, stop words, folding, light stemming (it also collapses "ll").
    [InlineData("L'intelligence artificielle", "inteligenc artificiel")]
    [InlineData("l’intelligence artificielle", "inteligenc artificiel")]
    [InlineData("d’OpenAI", "openai")]
    [InlineData("d'OpenAI", "openai")]
    // The hyphen splits; folding drops the accent; the plural goes.
    [InlineData("États-Unis", "etat uni")]
    [InlineData("etats unis", "etat uni")]
    // "de la" are stop words; the light stemmer cuts "département" to "depart" (it also meets "départ").
    [InlineData("Département de la Défense", "depart defens")]
    // Known compounds are joined before tokenizing, so all three spellings meet.
    [InlineData("start-up", "startup")]
    [InlineData("Start-up", "startup")]
    [InlineData("startups", "startup")]
    [InlineData("start-ups", "startup")]
    [InlineData("IA", "ia")]
    [InlineData("5G", "5g")]
    [InlineData("jeux", "jeu")]
    [InlineData("jeu", "jeu")]
    // Light stemming maps the -aux plural back to -al.
    [InlineData("chevaux", "cheval")]
    [InlineData("cheval", "cheval")]
    // Ligature folded to "oe", then the stemmer drops the final r: both spellings meet at "coeu".
    [InlineData("cœur", "coeu")]
    [InlineData("coeur", "coeu")]
    [InlineData("jusqu'à lorsqu'il puisqu’elle quoiqu'on qu'il c'est m'a n'a s'est t'as j'ai", "")]
    [InlineData("cyber-sécurité cybersécurité", "cybersecurit cybersecurit")]
    public void Tokens_OfFrenchText_ArePinned(string text, string expected)
    {
        var tokens = FrenchAnalysis.Tokens(text);

        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Theory]
    [InlineData("L'intelligence artificielle", "intelligence artificielle")]
    [InlineData("États-Unis", "états unis")]
    [InlineData("Département de la Défense", "département défense")]
    [InlineData("cœur", "cœur")]
    [InlineData("Start-up", "startup")]
    // Capitals with accents, ligatures, other alphabets, and letters past the lower-case table (fullwidth, Deseret).
    [InlineData("ÉLYSÉE ŒUVRE ÇA Ÿ", "élysée œuvre ça ÿ")]
    [InlineData("ΑΘΗΝΑ МОСКВА", "αθηνα москва")]
    [InlineData("ＡＢＣ 𐐀𐐁", "ａｂｃ 𐐨𐐩")]
    public void ExactTokens_KeepAccentsAndWords(string text, string expected)
    {
        var tokens = FrenchAnalysis.ExactTokens(text);

        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Fact]
    public void Tokens_TwoLetterWords_AreKept()
    {
        var tokens = FrenchAnalysis.Tokens("IA UE VE 4G");

        Assert.Equal(["ia", "ue", "ve", "4g"], tokens);
    }

    [Theory]
    // Joined across a hyphen or a space, plural kept; the token read ahead goes on when it is not a
    // second half (a stop word is still dropped, its position still a gap); "e" read ahead of "e-mail".
    [InlineData("E-Mails", "emails@0-7+1")]
    [InlineData("un e-mail", "email@3-9+2")]
    [InlineData("cyber la sécurité", "cyber@0-5+1 sécurité@9-17+2")]
    [InlineData("e-e-mail", "e@0-1+1 email@2-8+1")]
    [InlineData("le co", "co@3-5+2")]
    [InlineData("e--mail co-fondatrices", "e@0-1+1 mail@3-7+1 cofondatrices@8-22+1")]
    [InlineData("l'e-mail", "e@0-3+1 mail@4-8+1")]
    public void Compounds_AreJoinedWithTheirOffsetsAndPositions(string text, string expected)
    {
        var tokens = Stream(FrenchAnalysis.Exact, text).Tokens;

        Assert.Equal(expected, string.Join(' ', tokens.Select(t => $"{t.Term}@{t.Start}-{t.End}+{t.Increment}")));
    }

    /// <summary>
    /// The chain's one filter gives, token by token (text, offsets, position increments, type, and
    /// the final offset and increment), what Lucene's own filters give one after the other.
    /// Compounds (which Lucene has no filter for) are kept out of these texts and tested above.
    /// </summary>
    [Fact]
    public void Chain_GivesWhatLucenesFiltersGive_TokenByToken()
    {
        var random = new Random(11);
        string[] words =
        [
            "L", "l", "D", "d", "QU", "qu", "jusqu", "Lorsqu", "puisqu", "quoiqu", "s", "n", "m", "t", "j", "c", "aujourd", "hui",
            "le", "LA", "les", "de", "des", "à", "À", "a", "et", "été", "étaient", "Ça", "où", "y",
            "intelligence", "Artificielle", "GÉNÉRATIVE", "États", "Unis", "œuvre", "ŒUVRE", "cœur", "Straße", "æther", "Ÿ",
            "chevaux", "jeux", "départements", "Défense", "5G", "3,5", "2024", "IA", "OpenAI", "x86_64",
            "ΑΘΗΝΑ", "москва", "ＡＢＣ", "𐐀𐐁", "😀", "naïve", "Noël", "hôpital", "fenêtre", "façade", new string('z', 300),
        ];
        string[] separators = [" ", " ", " ", "'", "’", "-", ", ", ". ", "\n\n", " « ", " » ", "'", "/"];
        var texts = new List<string>
        {
            "", "'", "l'", "L’", "'a", "qu'", "d'l'avion", "L'IA générative", "Jusqu’à l’aube", "les", "a à", "de la",
            "aujourd'hui", "l''avion", "l’’arbre", "C'EST-À-DIRE", "S'il", "n'importe", "d’États-Unis",
        };
        for (var n = 0; n < 3_000; n++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 40);
            for (var i = 0; i < length; i++)
            {
                text.Append(words[random.Next(words.Length)]).Append(i + 1 < length || random.Next(3) == 0 ? separators[random.Next(separators.Length)] : "");
            }

            texts.Add(text.ToString());
        }

        foreach (var stem in new[] { false, true })
        {
            var ours = stem ? FrenchAnalysis.Stemmed : FrenchAnalysis.Exact;
            var lucenes = LuceneFilters(stem);
            foreach (var text in texts)
            {
                var expected = Stream(lucenes, text);
                var actual = Stream(ours, text);
                Assert.True(expected.Tokens.SequenceEqual(actual.Tokens), $"stem={stem} \"{text}\": expected [{string.Join(", ", expected.Tokens)}], got [{string.Join(", ", actual.Tokens)}]");
                Assert.Equal(expected.End, actual.End);
            }
        }
    }

    private static Analyzer LuceneFilters(bool stem) => Analyzer.NewAnonymous((_, reader) =>
    {
        var version = LuceneVersion.LUCENE_48;
        var tokenizer = new StandardTokenizer(version, reader);
        TokenStream stream = new LowerCaseFilter(version, tokenizer);
        stream = new ElisionFilter(stream, FrenchAnalyzer.DEFAULT_ARTICLES);
        stream = new StopFilter(version, stream, new CharArraySet(version, FrenchWordFilter.StopWords, ignoreCase: false));
        if (stem)
        {
            stream = new ASCIIFoldingFilter(stream);
            stream = new FrenchLightStemFilter(stream);
        }

        return new TokenStreamComponents(tokenizer, stream);
    });

    private static (List<StreamedToken> Tokens, (int Offset, int Increment) End) Stream(Analyzer analyzer, string text)
    {
        using var stream = analyzer.GetTokenStream("body", text);
        return StreamedToken.Read(stream);
    }
}

/// <summary>A token as a stream gives it: text, offsets, position increment and type.</summary>
internal sealed record StreamedToken(string Term, int Start, int End, int Increment, string Type)
{
    /// <summary>Resets, reads to the end and ends <paramref name="stream"/> (the caller disposes it): its tokens, and its final offset and increment.</summary>
    public static (List<StreamedToken> Tokens, (int Offset, int Increment) End) Read(TokenStream stream)
    {
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        var tokens = new List<StreamedToken>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(new StreamedToken(term.ToString(), offset.StartOffset, offset.EndOffset, increment.PositionIncrement, type.Type));
        }

        stream.End();
        return (tokens, (offset.EndOffset, increment.PositionIncrement));
    }
}
