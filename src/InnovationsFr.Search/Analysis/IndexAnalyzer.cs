using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;

namespace InnovationsFr.Search;

/// <summary>
/// The per-field analyzer of the index: the exact chain on the exact-form field, the stemmed chain
/// everywhere else; the title, the summary and the body's lead also feed the vocabulary field.
/// </summary>
internal static class IndexAnalyzer
{
    private static readonly Analyzer WholeFeedsVocabulary = FrenchAnalysis.StemmedFeedingVocabulary(int.MaxValue);

    public static readonly Analyzer Instance = new PerFieldAnalyzerWrapper(
        FrenchAnalysis.Stemmed,
        new Dictionary<string, Analyzer>
        {
            [ArticleDocument.TitleExact] = FrenchAnalysis.Exact,
            [ArticleDocument.Title] = WholeFeedsVocabulary,
            [ArticleDocument.Summary] = WholeFeedsVocabulary,
            [ArticleDocument.Body] = FrenchAnalysis.StemmedFeedingVocabulary(ArticleDocument.VocabularyChars),
        });
}
