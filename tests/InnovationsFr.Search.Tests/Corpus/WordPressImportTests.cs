using System.Text.Json;
using InnovationsFr.Search;

namespace InnovationsFr.Search.Tests.Corpus;

public sealed class WordPressImportTests
{
    public static string Data(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InnovationsFr.sln")))
            {
                return Path.Combine([dir.FullName, "tests", "data", "wordpress", .. parts]);
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void ThemeUnitTestExport_GivesExactlyItsPublishedPublicPosts_WithTagsAndCategories()
    {
        var report = WordPressImport.FromWxr(Data("themeunittestdata.wordpress.xml"));

        Assert.Equal(48, report.Posts.Count);
        Assert.Empty(report.Problems);
        var ids = report.Posts.Select(p => p.Article.Id).ToHashSet();
        Assert.DoesNotContain("1164", ids); // draft
        Assert.DoesNotContain("1153", ids); // scheduled
        Assert.DoesNotContain("1168", ids); // password-protected
        Assert.Equal(1, report.Skipped["draft"]);
        Assert.Equal(1, report.Skipped["future"]);
        Assert.Equal(1, report.Skipped["password-protected"]);
        Assert.Equal(21, report.Skipped["page"]);
        Assert.Equal(38, report.Skipped["attachment"]);
        Assert.Equal(70, report.Skipped["nav_menu_item"]);
        Assert.Equal(ids.Count, report.Posts.Count);

        var manyTags = report.Posts.Single(p => p.PostId == 1151);
        Assert.Equal(45, manyTags.Tags.Count);
        Assert.Equal(manyTags.Tags.Select(t => t.Name).Distinct(), manyTags.Article.Tags);
        var manyCategories = report.Posts.Single(p => p.PostId == 1152);
        Assert.Equal(63, manyCategories.Categories.Count);
        Assert.Contains(manyCategories.Categories, c => c.Slug == "aciform" && c.Name == "aciform");
        // WordPress slugs are kept as WordPress wrote them, even when they are not the name's.
        var renamed = report.Posts.SelectMany(p => p.Tags).Where(t => t.Slug.EndsWith("-2", StringComparison.Ordinal));
        Assert.NotEmpty(renamed);
        // No post loses its text to the HTML: no tag or shortcode is left in a body.
        Assert.All(report.Posts, p => Assert.DoesNotMatch(@"<(p|div|img|script)\b|\[(gallery|caption|embed)", p.Article.Body));
        Assert.All(report.Posts, p => Assert.False(string.IsNullOrWhiteSpace(p.Article.Title)));
    }

    [Fact]
    public void FrenchExport_KeepsPublishedPostsOnly_WithRubricPathTextDatesAndAuthor()
    {
        var report = WordPressImport.FromWxr(Data("innovationsfr-sample.wxr.xml"));

        Assert.Equal(["101", "102"], report.Posts.Select(p => p.Article.Id));
        foreach (var status in new[] { "draft", "future", "pending", "private", "trash", "password-protected", "page", "attachment" })
        {
            Assert.Equal(1, report.Skipped[status]);
        }

        var article = report.Posts[0].Article;
        Assert.Equal("L’IA générative arrive dans les rédactions", article.Title);
        Assert.Equal("Technologies et Avenirs > Intelligence Artificielle", article.Rubric);
        Assert.Equal(["IA générative", "Médias"], article.Tags);
        Assert.Equal(new WordPressTerm("Médias", "medias-2"), report.Posts[0].Tags[1]);
        Assert.Equal("Camille Durand", article.Author);
        Assert.Equal(DateTimeOffset.Parse("2025-08-13T09:30:00+02:00", System.Globalization.CultureInfo.InvariantCulture), article.PublishedAt);
        Assert.Equal(TimeSpan.FromHours(2), article.PublishedAt.Offset);
        Assert.Equal(TimeSpan.FromHours(2), article.UpdatedAt!.Value.Offset);
        Assert.Equal("Les rédactions testent l’IA générative.", article.Summary);
        Assert.Equal("ia-generative-redactions", article.Slug);
        Assert.Contains("Les rédactions françaises testent l’IA générative", article.Body);
        Assert.Contains("Un robot journaliste", article.Body);
        Assert.Contains("prudents & vigilants [sic] face", article.Body);
        foreach (var gone in new[] { "wp:paragraph", "[caption", "[gallery", "youtube", "alert", "color:red", "&amp;", "<p>" })
        {
            Assert.DoesNotContain(gone, article.Body, StringComparison.Ordinal);
        }

        Assert.Equal(TimeSpan.FromHours(1), report.Posts[1].Article.PublishedAt.Offset);
        Assert.Equal("Énergie", report.Posts[1].Article.Rubric);
    }

    [Fact]
    public void RestApiPages_GivePublishedUnprotectedPosts_WithEmbeddedTermsAndAuthors()
    {
        var report = WordPressImport.FromRestApi(Data("wp-json"));

        Assert.Equal(["201", "203"], report.Posts.Select(p => p.Article.Id));
        Assert.Equal(1, report.Skipped["password-protected"]);
        Assert.Equal(1, report.Skipped["draft"]);
        var first = report.Posts[0];
        Assert.Equal("Des puces photoniques “made in” Grenoble", first.Article.Title);
        Assert.Equal("Semi-conducteurs", first.Article.Rubric);
        Assert.Equal(["Photonique", "Grenoble"], first.Article.Tags);
        Assert.Equal("grenoble-2", first.Tags[1].Slug);
        Assert.Equal("Léa Martin", first.Article.Author);
        Assert.Equal(TimeSpan.FromHours(2), first.Article.PublishedAt.Offset);
        Assert.Equal("Des puces qui calculent avec la lumière.", first.Article.Summary);
        Assert.Contains("Une plaquette de silicium", first.Article.Body);
        Assert.DoesNotContain("caption", first.Article.Body, StringComparison.Ordinal);
        Assert.Equal("Les satellites miniatures & la constellation européenne", report.Posts[1].Article.Title);
        Assert.DoesNotContain("track", report.Posts[1].Article.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void WrittenCorpus_IsReadBackByTheCorpusReader_WithTheWordPressTerms()
    {
        var report = WordPressImport.FromWxr(Data("innovationsfr-sample.wxr.xml"));
        var path = Path.Combine(Path.GetTempPath(), "ifr-wp-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            Assert.Equal(2, WordPressImport.WriteCorpus(path, report.Posts));

            using var reader = new CorpusReader(path);
            var entries = reader.ReadAll().ToList();
            Assert.All(entries, e => Assert.Null(e.Problem));
            Assert.Equal(report.Posts[0].Article with { Tags = [] }, entries[0].Article! with { Tags = [] });
            var wordpress = JsonDocument.Parse(File.ReadLines(path).First()).RootElement.GetProperty("wordpress");
            Assert.Equal(101, wordpress.GetProperty("postId").GetInt32());
            Assert.Equal("medias-2", wordpress.GetProperty("tags")[1].GetProperty("slug").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ABrokenExport_IsReported_NotThrown()
    {
        var path = Path.Combine(Path.GetTempPath(), "ifr-wp-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{\"not\": \"a page\"}");
        try
        {
            var report = WordPressImport.FromRestApi(path);

            Assert.Empty(report.Posts);
            Assert.Contains("not a page of posts", Assert.Single(report.Problems));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
