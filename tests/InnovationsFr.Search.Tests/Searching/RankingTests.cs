using InnovationsFr.Search;
using static InnovationsFr.Search.Tests.TestIndex;

namespace InnovationsFr.Search.Tests.Searching;

/// <summary>A handful of hand-written French articles, each there to make one ranking or filter point.</summary>
public sealed class NewsFixture : IDisposable
{
    public NewsFixture()
    {
        Index = new TestIndex(
        [
            Article("titre-ia", "L'intelligence artificielle au service des hôpitaux",
                "Les établissements de santé testent des outils pour trier les dossiers des patients.",
                "2025-03-01T09:00:00+01:00", "Technologies > Intelligence Artificielle", null, "IA", "santé"),
            Article("corps-ia", "Les hôpitaux face à la pénurie de soignants",
                "Le recrutement reste difficile. Certains directeurs misent sur l'intelligence artificielle pour alléger les tâches administratives.",
                "2025-03-02T09:00:00+01:00", "Santé", null, "santé", "emploi"),
            Article("usa", "Washington renforce les contrôles à l'exportation",
                "Les États-Unis limitent la vente de puces avancées vers plusieurs pays.",
                "2024-06-10T09:00:00+02:00", "Technologies > Semi-conducteurs", null, "États-Unis", "semi-conducteurs"),
            Article("etat", "Le rôle de l'État dans l'industrie",
                "L'État actionnaire revoit sa stratégie et les États membres de l'Union discutent de leurs aides.",
                "2024-06-11T09:00:00+02:00", "Économie", null, "industrie"),
            Article("startup-1", "Une startup lyonnaise lève 20 millions",
                "La jeune pousse développe des capteurs pour l'agriculture.",
                "2023-05-01T09:00:00+02:00", "Startups", null, "startup", "agriculture"),
            Article("startup-2", "Les start-up de la deeptech cherchent des usines",
                "Passer du laboratoire à la production reste le défi principal.",
                "2024-05-01T09:00:00+02:00", "Startups", null, "start-up", "deeptech"),
            Article("startup-3", "Startups : l'année de la sélection",
                "Les fonds deviennent exigeants avec les jeunes entreprises.",
                "2025-05-01T09:00:00+02:00", "Startups", null, "Startups", "financement"),
            Article("voiture-phrase", "Le marché de la voiture électrique ralentit",
                "Les ventes de voiture électrique baissent en Europe.",
                "2025-09-01T09:00:00+02:00", "Mobilité > Véhicules électriques", null, "voitures électriques"),
            Article("voiture-loin", "Salon de l'automobile",
                "Une voiture thermique ancienne attire les visiteurs ; plus loin, un vélo électrique neuf.",
                "2025-09-02T09:00:00+02:00", "Mobilité", null, "salon"),
            Article("xss", "Une faille <script> dans les formulaires",
                "<p>Un attaquant injecte &lt;script&gt;alert(1)&lt;/script&gt; dans une faille des formulaires web.</p>",
                "2025-10-01T09:00:00+02:00", "Cybersécurité", null, "faille", "XSS"),
            Article("accent", "Réforme de l'état civil numérique",
                "La réforme de l'état civil simplifie les démarches en ligne.",
                "2024-01-10T09:00:00+01:00", "Secteur public", null, "administration"),
            Article("sans-accent", "Réforme de l'etat civil numerique",
                "La réforme de l'etat civil simplifie les démarches : une startup.",
                "2024-01-10T09:00:00+01:00", "Secteur public", null, "administration"),
        ]);
    }

    public TestIndex Index { get; }

    public void Dispose() => Index.Dispose();
}

public class RankingTests(NewsFixture fixture) : IClassFixture<NewsFixture>
{
    private readonly TestIndex _index = fixture.Index;

    [Fact]
    public void TitleMatch_RanksAboveBodyMatch()
    {
        var ids = _index.Ids("intelligence artificielle");

        Assert.Equal("titre-ia", ids[0]);
        Assert.Contains("corps-ia", ids);
        Assert.True(ids.IndexOf("titre-ia") < ids.IndexOf("corps-ia"));
    }

    [Fact]
    public void EtatsUnis_WithoutAccentsOrHyphen_FindsÉtatsUnisFirst()
    {
        var ids = _index.Ids("etats unis");

        Assert.Equal("usa", ids[0]);
    }

    [Fact]
    public void Elision_GivesTheSameTopHits()
    {
        var with = _index.Ids("l'intelligence artificielle");
        var typographic = _index.Ids("l’intelligence artificielle");
        var without = _index.Ids("intelligence artificielle");

        Assert.Equal(without, with);
        Assert.Equal(without, typographic);
    }

    [Fact]
    public void StartupSpellings_FindTheSameArticles()
    {
        var startup = _index.Ids("startup").Order().ToList();
        var startups = _index.Ids("startups").Order().ToList();
        var startUp = _index.Ids("start-up").Order().ToList();

        Assert.Equal(["sans-accent", "startup-1", "startup-2", "startup-3"], startup);
        Assert.Equal(startup, startups);
        Assert.Equal(startup, startUp);
    }

    [Fact]
    public void QuotedPhrase_MatchesOnlyTheWordsTogether()
    {
        var phrase = _index.Ids("\"voiture électrique\"");
        var words = _index.Ids("voiture électrique");

        Assert.Equal(["voiture-phrase"], phrase);
        Assert.Contains("voiture-loin", words);
        Assert.Equal("voiture-phrase", words[0]);
    }

    [Fact]
    public void Exclusion_RemovesArticlesWithTheWord()
    {
        var ids = _index.Ids("hôpitaux -soignants");

        Assert.Equal(["titre-ia"], ids);
    }

    [Fact]
    public void ExclusionAlone_ReturnsEverythingElse()
    {
        var ids = _index.Ids("-startup");

        Assert.Equal(8, ids.Count);
        Assert.DoesNotContain("startup-1", ids);
    }

    [Fact]
    public void OrBetweenWords_FindsEither()
    {
        var ids = _index.Ids("agriculture OR deeptech").Order().ToList();

        Assert.Equal(["startup-1", "startup-2"], ids);
    }

    [Fact]
    public void ExactWrittenForm_RanksAboveAFoldedMatch_BothWays()
    {
        var accented = _index.Ids("état civil");
        var plain = _index.Ids("etat civil");

        Assert.Equal("accent", accented[0]);
        Assert.Equal("sans-accent", plain[0]);
    }

    [Fact]
    public void TagFilter_KeepsOnlyTaggedArticles_WhateverTheSpelling()
    {
        var bySlug = _index.Ids(null, r => r with { Tags = ["startup"] }).Order();
        var byOtherSpelling = _index.Ids(null, r => r with { Tags = ["START UP"] }).Order();

        Assert.Equal(["startup-1", "startup-2"], bySlug);
        Assert.Equal(bySlug, byOtherSpelling);
    }

    [Fact]
    public void SeveralTags_MustAllMatch()
    {
        var ids = _index.Ids(null, r => r with { Tags = ["santé", "IA"] });

        Assert.Equal(["titre-ia"], ids);
    }

    [Fact]
    public void RubricFilter_IncludesSubRubrics_AndAcceptsLabelsPathsAndSlugs()
    {
        var parent = _index.Ids(null, r => r with { Rubric = "Technologies" }).Order().ToList();
        var path = _index.Ids(null, r => r with { Rubric = "Technologies > Semi-conducteurs" });
        var slugPath = _index.Ids(null, r => r with { Rubric = "technologies/semi-conducteurs" });
        var leaf = _index.Ids(null, r => r with { Rubric = "Intelligence artificielle" });

        Assert.Equal(["titre-ia", "usa"], parent);
        Assert.Equal(["usa"], path);
        Assert.Equal(["usa"], slugPath);
        Assert.Equal(["titre-ia"], leaf);
    }

    [Fact]
    public void DateFilters_AreInclusive()
    {
        var ids = _index.Ids(null, r => r with
        {
            From = DateTimeOffset.Parse("2025-09-01T09:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture),
            To = DateTimeOffset.Parse("2025-09-02T09:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture),
        }).Order().ToList();

        Assert.Equal(["voiture-loin", "voiture-phrase"], ids);
    }

    [Fact]
    public void SortByDate_PutsNewestFirst()
    {
        var page = _index.Index.Search(new SearchRequest { Query = "startup", Sort = SearchSort.Date });

        Assert.Equal(["startup-3", "startup-2", "sans-accent", "startup-1"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public void Paging_ReturnsDisjointPagesAndTheTotal()
    {
        var first = _index.Index.Search(new SearchRequest { Size = 5, Page = 1, Sort = SearchSort.Date });
        var second = _index.Index.Search(new SearchRequest { Size = 5, Page = 2, Sort = SearchSort.Date });
        var third = _index.Index.Search(new SearchRequest { Size = 5, Page = 3, Sort = SearchSort.Date });

        Assert.Equal(12, first.Total);
        Assert.Equal(5, second.Hits.Count);
        Assert.Equal(2, third.Hits.Count);
        Assert.Empty(first.Hits.Select(h => h.Id).Intersect(second.Hits.Select(h => h.Id)));
    }

    [Fact]
    public void Snippets_MarkMatches_AndEscapeHtml()
    {
        var hit = _index.Index.Search(new SearchRequest { Query = "faille script" }).Hits[0];

        Assert.Equal("xss", hit.Id);
        Assert.Contains("&lt;<mark>script</mark>&gt;", hit.Snippet);
        Assert.DoesNotContain("<script", hit.Snippet);
        Assert.Contains("<mark>faille</mark>", hit.Snippet);
        Assert.Equal("Une <mark>faille</mark> &lt;<mark>script</mark>&gt; dans les formulaires", hit.HighlightedTitle);
    }

    [Fact]
    public void Snippet_WithoutMatch_FallsBackToEscapedLead()
    {
        var hit = _index.Index.Search(new SearchRequest { Query = "XSS" }).Hits.Single();

        Assert.Equal("xss", hit.Id);
        Assert.StartsWith("Un attaquant injecte &lt;script&gt;", hit.Snippet);
    }

    [Fact]
    public void TagCounts_CoverTheWholeResultSet()
    {
        var page = _index.Index.Search(new SearchRequest { Query = "startup", Size = 1 });

        Assert.Equal(4, page.Total);
        Assert.Single(page.Hits);
        Assert.Equal(2, page.Tags.Single(t => t.Label is "startup" or "start-up").Count);
        Assert.Equal(1, page.Tags.Single(t => t.Slug == "startups").Count);
        Assert.Equal(1, page.Tags.Single(t => t.Slug == "administration").Count);
        Assert.DoesNotContain(page.Tags, t => t.Slug == "sante");
        Assert.Equal(6, page.Tags.Count);
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("AND OR NOT")]
    [InlineData("*")]
    [InlineData("title:")]
    [InlineData("\\")]
    [InlineData("((((")]
    [InlineData("\"\"")]
    [InlineData("-")]
    [InlineData("--- \" -\"\"")]
    [InlineData("ia~2 intel* [a TO z] {x} ^3 && || !")]
    [InlineData("🚀🤖 startup 🇫🇷")]
    [InlineData("الذكاء الاصطناعي")]
    [InlineData("\u0000\u0001\u001b[31m startup")]
    [InlineData("\ud800 lone surrogate")]
    [InlineData("le la les de du")]
    public void MalformedQueries_NeverThrow_AndAnswerTheQueryTheySayTheyRead(string query)
    {
        var page = _index.Index.Search(new SearchRequest { Query = query });

        var again = _index.Index.Search(new SearchRequest { Query = page.EffectiveQuery });
        Assert.Equal(again.Total, page.Total);
        Assert.Equal(again.Hits.Select(h => h.Id), page.Hits.Select(h => h.Id));
        Assert.Equal(Math.Min(10, page.Total), page.Hits.Count);
        // Readable words among the noise still find their articles.
        if (query.Contains("startup", StringComparison.Ordinal))
        {
            Assert.True(page.Total > 0);
        }
    }

    [Fact]
    public void OverlongQuery_IsCut_NotRejected()
    {
        var query = string.Join(' ', Enumerable.Repeat("startup intelligence", 2000));

        var page = _index.Index.Search(new SearchRequest { Query = query });

        Assert.True(page.QueryTruncated);
        Assert.True(page.EffectiveQuery.Length <= 500);
        Assert.NotEmpty(page.Hits);
    }
}
