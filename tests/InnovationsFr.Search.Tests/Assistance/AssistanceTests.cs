using InnovationsFr.Search;
using InnovationsFr.Search.Tests.Related;

namespace InnovationsFr.Search.Tests.Assistance;

/// <summary>Typos, "did you mean", autocomplete and synonyms on the shipped corpus, with the shipped synonym file.</summary>
public sealed class ShippedAssistanceTests(ShippedIndex shipped) : IClassFixture<ShippedIndex>
{
    private SearchPage Search(string q) => shipped.Index.Search(new SearchRequest { Query = q, Size = 50 });

    [Fact]
    public void Misspelt_artificial_intelligence_finds_the_AI_articles_and_suggests_the_spelling()
    {
        var page = Search("inteligence artificiele");

        Assert.Equal("intelligence artificielle", page.Suggestion);
        var right = Search("intelligence artificielle");
        Assert.True(page.Total > 0);
        // The same articles lead (the exact title form may order them a little differently).
        Assert.Equal(right.Hits.Take(5).Select(h => h.Id).Order(), page.Hits.Take(5).Select(h => h.Id).Order());
    }

    [Fact]
    public void A_word_typed_without_accents_suggests_it_with_them()
    {
        Assert.Equal("sécurité", Search("securite").Suggestion);
        Assert.Equal("cybersécurité", Search("cybersecurite").Suggestion);
    }

    [Fact]
    public void A_query_spelled_as_the_site_spells_it_gets_no_suggestion()
    {
        Assert.Null(Search("intelligence artificielle").Suggestion);
        Assert.Null(Search("sécurité").Suggestion);
        Assert.Null(Search("5G").Suggestion);
    }

    [Fact]
    public void IA_finds_articles_that_only_say_intelligence_artificielle_and_the_reverse()
    {
        var literalIa = ShippedArticles.Ids(a => ShippedArticles.HasWord(a, "IA") && !ShippedArticles.Has(a, "intelligence artificielle"));
        var literalLong = ShippedArticles.Ids(a => ShippedArticles.Has(a, "intelligence artificielle") && !ShippedArticles.HasWord(a, "IA") && !ShippedArticles.HasWord(a, "AI"));
        Assert.NotEmpty(literalIa);
        Assert.NotEmpty(literalLong);

        var ia = Search("IA").Hits.Select(h => h.Id).ToList();
        Assert.Superset(literalLong.ToHashSet(), ia.ToHashSet());
        var longForm = Search("intelligence artificielle").Hits.Select(h => h.Id).ToList();
        Assert.Superset(literalIa.ToHashSet(), longForm.ToHashSet());

        // The reader's own word ranks first.
        Assert.Contains(ia[0], ShippedArticles.Ids(a => ShippedArticles.HasWord(a, "IA")));
    }

    [Fact]
    public void Autocomplete_cyber_offers_cybersecurite()
    {
        var list = shipped.Index.Complete("cyber");
        Assert.True(list.Completions.Any(c => c.Kind == CompletionKind.Word && c.Text == "cybersécurité"), string.Join(" | ", list.Completions));
        Assert.True(list.Completions.Any(c => c.Kind == CompletionKind.Tag && c.Slug == "cybersecurite"), string.Join(" | ", list.Completions));
        Assert.InRange(list.Completions.Count, 1, 10);
    }

    [Fact]
    public void Autocomplete_ignores_accents_and_completes_the_last_word_of_several()
    {
        Assert.Contains(shipped.Index.Complete("electr").Completions, c => c.Kind == CompletionKind.Word && c.Text.StartsWith("électr", StringComparison.Ordinal));
        var titles = shipped.Index.Complete("gigafactory du n").Completions.Where(c => c.Kind == CompletionKind.Title).ToList();
        Assert.Contains(titles, c => c.Text.StartsWith("Gigafactory du Nord", StringComparison.Ordinal));
        Assert.Empty(shipped.Index.Complete("   ").Completions);
    }

    [Fact]
    public void Words_the_index_knows_well_are_not_fuzzed()
    {
        var page = Search("satellites");
        Assert.False(page.TypoTolerant);
    }
}

/// <summary>Small indexes built for one behaviour each.</summary>
public sealed class TypoAndSynonymTests
{
    [Fact]
    public void Numbers_are_never_fuzzed_5G_does_not_match_4G()
    {
        using var index = new TestIndex([
            TestIndex.Article("a", "Le réseau 4G couvre la campagne", "Les opérateurs étendent la 4G."),
            TestIndex.Article("b", "La 5G arrive dans les villes", "Les antennes 5G se multiplient."),
        ]);

        Assert.Equal(["b"], index.Ids("5G"));
        Assert.Equal(["a"], index.Ids("4G"));
        Assert.Empty(index.Ids("6G"));
    }

    [Fact]
    public void Two_letter_words_are_indexed_and_found()
    {
        using var index = new TestIndex([
            TestIndex.Article("a", "Le VE gagne du terrain", "Les ventes progressent."),
            TestIndex.Article("b", "Les ventes de vélos", "Rien à voir."),
        ]);

        Assert.Equal(["a"], index.Ids("VE"));
        Assert.Equal(["a"], index.Ids("ve"));
    }

    [Fact]
    public void An_unknown_word_falls_back_to_fuzzy_matching_with_exact_matches_first()
    {
        using var index = new TestIndex([
            TestIndex.Article("exact", "Le projet Zorglub avance", "Zorglub recrute."),
            TestIndex.Article("typo", "Le projet Zorglob avance", "Zorglob recrute."),
            TestIndex.Article("far", "Le projet Zirgleb avance", "Zirgleb recrute."),
        ]);

        var page = index.Index.Search(new SearchRequest { Query = "zorglub" });
        Assert.True(page.TypoTolerant);
        Assert.Equal(["exact", "typo"], page.Hits.Select(h => h.Id));

        // Two swapped letters are one edit (Damerau-Levenshtein).
        Assert.Equal(["exact"], index.Ids("zorgulb").Take(1));
        // Three letters: no typo allowed.
        Assert.Empty(index.Ids("zor"));
        // Typo tolerance can be turned off.
        Assert.Equal(["exact"], index.Ids("zorglub", r => r with { TypoTolerance = false }));
    }

    [Fact]
    public void Synonyms_expand_phrases_whole_and_reload_without_a_rebuild()
    {
        var file = Path.Combine(Path.GetTempPath(), "ifr-synonyms-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "VE, véhicule électrique\n");
        try
        {
            using var index = new TestIndex(
                [
                    TestIndex.Article("ve", "Le VE en ville", "Le VE progresse."),
                    TestIndex.Article("long", "Le véhicule électrique en ville", "Un véhicule électrique de plus."),
                    TestIndex.Article("apart", "Un véhicule de collection", "Un moteur électrique ancien."),
                    TestIndex.Article("drone", "Le drone livreur", "Un quadricoptère."),
                ],
                new SynonymFile(file, TimeSpan.Zero));

            var ve = index.Ids("VE");
            Assert.Equal(["ve", "long"], ve);
            // The phrase stays a phrase: "véhicule … électrique" apart is not a VE.
            Assert.DoesNotContain("apart", ve);
            Assert.Empty(index.Ids("quadricoptère drone").Except(["drone"]));

            File.WriteAllText(file, "VE, véhicule électrique\ndrone, aéronef sans pilote\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
            Assert.Contains("drone", index.Ids("aéronef sans pilote"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Synonym_file_rewritten_unchanged_keeps_cached_answers_and_a_changed_one_does_not()
    {
        var file = Path.Combine(Path.GetTempPath(), "ifr-synonyms-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, "VE, véhicule électrique\n");
        try
        {
            using var index = new TestIndex(
                [TestIndex.Article("ve", "Le VE en ville", "Le VE progresse."), TestIndex.Article("drone", "Le drone livreur", "Un quadricoptère.")],
                new SynonymFile(file, TimeSpan.Zero));
            Assert.Equal(["ve"], index.Ids("véhicule électrique"));

            // The same list saved again (an editor's save with no change): the answer is the cached one.
            File.WriteAllText(file, "VE, véhicule électrique\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
            var before = index.Index.CacheStats;
            Assert.Equal(["ve"], index.Ids("véhicule électrique"));
            Assert.Equal(before.Hits + 1, index.Index.CacheStats.Hits);

            // Another list: answered afresh, with the new groups.
            File.WriteAllText(file, "VE, véhicule électrique\ndrone, quadricoptère livreur\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(10));
            var misses = index.Index.CacheStats.Misses;
            Assert.Equal(["drone"], index.Ids("quadricoptère livreur"));
            Assert.Equal(["ve"], index.Ids("véhicule électrique"));
            Assert.Equal(misses + 2, index.Index.CacheStats.Misses);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Acronyms_that_are_French_stop_words_match_only_in_capitals()
    {
        var synonyms = Synonyms.Parse(["CE, Commission européenne", "# comment", "lonely"]);
        Assert.Single(synonyms.Groups);
        Assert.True(synonyms.Contains("CE"));
        Assert.False(synonyms.Contains("ce"));
    }
}

/// <summary>The shipped articles' own text, read independently of the engine, to know what a search must find.</summary>
internal static class ShippedArticles
{
    private static readonly Lazy<List<(string Id, string Text)>> All = new(() =>
        File.ReadLines(Path.Combine(Repository.Root, "corpus", "articles.jsonl"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(e => (
                e.GetProperty("id").GetString()!,
                string.Join('\n', new[] { "title", "summary", "body" }.Select(p => e.TryGetProperty(p, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : "")
                    .Concat(e.TryGetProperty("tags", out var tags) ? tags.EnumerateArray().Select(t => t.GetString()) : []))))
            .ToList());

    public static List<string> Ids(Func<string, bool> predicate) => All.Value.Where(a => predicate(a.Text)).Select(a => a.Id).ToList();

    public static bool Has(string text, string phrase) => text.Contains(phrase, StringComparison.OrdinalIgnoreCase);

    public static bool HasWord(string text, string word) => System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){word}(?![\p{{L}}\p{{N}}])");
}
