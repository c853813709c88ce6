using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;

namespace InnovationsFr.Search;

/// <summary>The per-field analyzer of the index: the exact chain on the exact-form field, the stemmed chain everywhere else.</summary>
internal static class IndexAnalyzer
{
    public static readonly Analyzer Instance = new PerFieldAnalyzerWrapper(
        FrenchAnalysis.Stemmed,
        new Dictionary<string, Analyzer>
        {
            [ArticleDocument.TitleExact] = FrenchAnalysis.Exact,
            [ArticleDocument.Words] = FrenchAnalysis.Exact,
        });
}
