using InnovationsFr.Search;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using static InnovationsFr.Search.Tests.TestIndex;

namespace InnovationsFr.Search.Tests.Indexing;

/// <summary>The vocabulary field is collected while the title, summary and body are analysed: it must hold what the exact chain gives.</summary>
public class DocumentVocabularyTests
{
    private static readonly string[] Lexicon =
    [
        "L'intelligence", "artificielle", "générative", "Cybersécurité", "qu’un", "réseau", "5G", "start-up",
        "États-Unis", "d'énergie", "œuvre", "batteries", "les", "à", "Société", "numérique", "été", "Hôpital",
    ];

    [Fact]
    public void Each_article_gets_the_exact_words_of_its_title_summary_and_body_lead_and_no_other_articles()
    {
        var random = new Random(7);
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Lexicon[random.Next(Lexicon.Length)] + (random.Next(9) == 0 ? random.Next(100).ToString() : "")));
        var articles = Enumerable.Range(0, 300).Select(n => Article(
            $"v{n}",
            Text(6) + $" titre{n}",
            // Bodies longer than the vocabulary's lead, with a word only past it.
            Text(random.Next(300, 450)) + $" aulointain{n}",
            summary: n % 3 == 0 ? null : Text(12) + $" résumé{n}",
            tags: [$"étiquette{n}"])).ToList();

        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, IndexBuilder.WriterConfig(new BuildOptions())))
        {
            // Several threads, as the builder and the bulk API index.
            Parallel.ForEach(articles, new ParallelOptions { MaxDegreeOfParallelism = 4 }, a => writer.AddDocument(ArticleDocument.ToDocument(a, TagAliases.None)));
            writer.Commit();
        }

        using var reader = DirectoryReader.Open(directory);
        var vocabulary = VocabularyByArticle(reader);
        Assert.Equal(articles.Count, vocabulary.Count);
        foreach (var article in articles)
        {
            var expected = new HashSet<string>(FrenchAnalysis.ExactTokens(article.Title));
            expected.UnionWith(FrenchAnalysis.ExactTokens(article.Summary ?? ""));
            expected.UnionWith(ExactTokensEndingWithin(article.Body, ArticleDocument.VocabularyChars));
            Assert.Equal(expected.Order(StringComparer.Ordinal), vocabulary[article.Id].Order(StringComparer.Ordinal));
        }

        // Elided, lower-cased, accents kept, compounds joined, stop words out; words past the lead and tags out.
        var all = vocabulary.Values.SelectMany(v => v).ToHashSet();
        Assert.Superset(new HashSet<string> { "intelligence", "générative", "états", "startup", "œuvre", "5g" }, all);
        Assert.DoesNotContain("les", all);
        Assert.DoesNotContain(vocabulary.Values.SelectMany(v => v), w => w.StartsWith("aulointain", StringComparison.Ordinal) || w.StartsWith("étiquette", StringComparison.Ordinal));
    }

    private static List<string> ExactTokensEndingWithin(string text, int chars)
    {
        var tokens = new List<string>();
        using var stream = FrenchAnalysis.Exact.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            if (offset.EndOffset <= chars)
            {
                tokens.Add(term.ToString());
            }
        }

        stream.End();
        return tokens;
    }

    private static Dictionary<string, HashSet<string>> VocabularyByArticle(DirectoryReader reader)
    {
        var byDoc = new Dictionary<int, HashSet<string>>();
        var terms = MultiFields.GetTerms(reader, ArticleDocument.Words).GetEnumerator();
        DocsEnum? docs = null;
        while (terms.MoveNext())
        {
            var word = terms.Term.Utf8ToString();
            docs = terms.Docs(null, docs, DocsFlags.NONE);
            int doc;
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                (byDoc.TryGetValue(doc, out var set) ? set : byDoc[doc] = []).Add(word);
            }
        }

        return byDoc.ToDictionary(kv => reader.Document(kv.Key).Get(ArticleDocument.Id), kv => kv.Value);
    }
}
