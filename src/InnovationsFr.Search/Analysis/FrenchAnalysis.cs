using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// The one place that builds the French analysis chain. Index and query time share it:
/// standard tokenizer → lower case → known compounds joined (start-up → startup) → elision (l' d' qu' … with ' or ’)
/// → French stop words → accent and ligature folding → French light stemming, all after the
/// tokenizer in one filter (<see cref="FrenchWordFilter"/>). The "exact" chain stops before folding
/// and stemming, so that the exact written form can score on its own field.
/// </summary>
public static class FrenchAnalysis
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>Folded and stemmed tokens: what matches.</summary>
    internal static readonly Analyzer Stemmed = new FrenchAnalyzerChain(stem: true);

    /// <summary>Lower-cased tokens with their accents: what ranks an exact written form first.</summary>
    internal static readonly Analyzer Exact = new FrenchAnalyzerChain(stem: false);

    /// <summary>
    /// The stemmed chain that also feeds the indexed document's vocabulary (<see cref="DocumentVocabulary"/>)
    /// with the exact forms of the tokens that end within the first <paramref name="chars"/> characters.
    /// </summary>
    internal static Analyzer StemmedFeedingVocabulary(int chars) => new FrenchAnalyzerChain(stem: true, vocabularyChars: chars);

    /// <summary>The tokens the search index keeps for a text (stemmed), in order; for tests and diagnostics.</summary>
    public static IReadOnlyList<string> Tokens(string text) => Analyze(Stemmed, text);

    /// <summary>The tokens of the exact (unstemmed, accent-keeping) chain.</summary>
    public static IReadOnlyList<string> ExactTokens(string text) => Analyze(Exact, text);

    /// <summary>When set (tests), every analysis on this thread is noted: which chain, which text.</summary>
    [ThreadStatic]
    internal static List<(bool Stemmed, string Text)>? Trace;

    internal static List<string> Analyze(Analyzer analyzer, string text, string field = "text")
    {
        Trace?.Add((analyzer == Stemmed, text));
        var tokens = new List<string>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }

        stream.End();
        return tokens;
    }

    /// <summary>Tokens with their positions (stop words leave gaps), for phrases.</summary>
    internal static List<(string Term, int Position)> AnalyzeWithPositions(Analyzer analyzer, string text)
    {
        Trace?.Add((analyzer == Stemmed, text));
        var tokens = new List<(string, int)>();
        using var stream = analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add((term.ToString(), position));
        }

        stream.End();
        return tokens;
    }

    private sealed class FrenchAnalyzerChain(bool stem, int vocabularyChars = 0) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new LatinWordTokenizer(reader);
            var stream = new FrenchWordFilter(tokenizer, stem, vocabularyChars);
            return new TokenStreamComponents(tokenizer, stream);
        }

        // Several values of one field (tags) must not form phrases across their boundary.
        public override int GetPositionIncrementGap(string fieldName) => 100;
    }
}
