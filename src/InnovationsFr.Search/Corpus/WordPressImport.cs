using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

// Over 400 lines on purpose: the WXR and REST readers share one mapping of a post to an Article
// (status, rubric path, tags, body text), which must stay one definition.
namespace InnovationsFr.Search;

/// <summary>
/// Imports a WordPress site into articles: from a WXR export (Tools → Export) or from pages of the
/// REST API (/wp/v2/posts?_embed). Only published posts that are not password-protected become
/// articles: drafts, pending, scheduled (future), private and trashed posts, pages, attachments and
/// menu items are counted and left out. Categories become the rubric (the first category's path,
/// parents first), tags keep their names; both keep their WordPress slugs in the output. Bodies
/// become text: block comments, shortcodes, scripts and styles removed, entities decoded.
/// </summary>
public static partial class WordPressImport
{
    /// <summary>Reads a WXR file (any WXR version: 1.0 to 1.2), streaming item by item.</summary>
    public static WordPressImportReport FromWxr(string path)
    {
        var posts = new List<WordPressPost>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        var authors = new Dictionary<string, string>(StringComparer.Ordinal);
        var categories = new Dictionary<string, (string Name, string Parent)>(StringComparer.Ordinal);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var reader = XmlReader.Create(path, settings);
        reader.MoveToContent();
        var itemNumber = 0;
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            switch (reader.LocalName)
            {
                case "author" when IsWp(reader.NamespaceURI):
                {
                    var author = (XElement)XNode.ReadFrom(reader);
                    var login = Wp(author, "author_login");
                    if (login.Length > 0)
                    {
                        authors[login] = Wp(author, "author_display_name") is { Length: > 0 } name ? name : login;
                    }

                    break;
                }

                case "category" when IsWp(reader.NamespaceURI):
                {
                    var category = (XElement)XNode.ReadFrom(reader);
                    var slug = Wp(category, "category_nicename");
                    if (slug.Length > 0)
                    {
                        categories[slug] = (Decode(Wp(category, "cat_name")), Wp(category, "category_parent"));
                    }

                    break;
                }

                case "item":
                {
                    itemNumber++;
                    var item = (XElement)XNode.ReadFrom(reader);
                    try
                    {
                        var post = FromWxrItem(item, authors, categories, out var reason);
                        if (post == null)
                        {
                            skipped[reason!] = skipped.GetValueOrDefault(reason!) + 1;
                        }
                        else
                        {
                            posts.Add(post);
                        }
                    }
                    catch (FormatException e)
                    {
                        skipped["unreadable"] = skipped.GetValueOrDefault("unreadable") + 1;
                        problems.Add($"item {itemNumber}: {e.Message}");
                    }

                    break;
                }

                default:
                    reader.Read();
                    break;
            }
        }

        return new WordPressImportReport(posts, skipped, problems);
    }

    private static WordPressPost? FromWxrItem(XElement item, Dictionary<string, string> authors, Dictionary<string, (string Name, string Parent)> categories, out string? reason)
    {
        var type = Wp(item, "post_type");
        var status = Wp(item, "status");
        reason = Excluded(type, status, Wp(item, "post_password").Length > 0);
        if (reason != null)
        {
            return null;
        }

        var postId = long.Parse(Wp(item, "post_id"), NumberStyles.Integer, CultureInfo.InvariantCulture);
        var published = WxrDate(Wp(item, "post_date"), Wp(item, "post_date_gmt"))
            ?? (item.Element("pubDate")?.Value is { Length: > 0 } rfc && DateTimeOffset.TryParse(rfc, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : (DateTimeOffset?)null)
            ?? throw new FormatException($"post {postId} has no readable date");
        var tags = new List<WordPressTerm>();
        var postCategories = new List<WordPressTerm>();
        foreach (var term in item.Elements("category"))
        {
            var domain = (string?)term.Attribute("domain");
            var slug = (string?)term.Attribute("nicename") ?? "";
            var name = Decode(term.Value).Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (domain == "post_tag")
            {
                tags.Add(new WordPressTerm(name, Uri.UnescapeDataString(slug)));
            }
            else if (domain == "category")
            {
                postCategories.Add(new WordPressTerm(name, Uri.UnescapeDataString(slug)));
            }
        }

        var creator = item.Elements().FirstOrDefault(e => e.Name.LocalName == "creator")?.Value.Trim() ?? "";
        var article = MakeArticle(
            postId,
            item.Element("title")?.Value ?? "",
            Content(item, "content"),
            Content(item, "excerpt"),
            Wp(item, "post_name"),
            item.Element("link")?.Value.Trim() ?? "",
            authors.GetValueOrDefault(creator, creator),
            published,
            WxrDate(Wp(item, "post_modified"), Wp(item, "post_modified_gmt")),
            postCategories.Count == 0 ? null : RubricPath(postCategories[0], categories),
            tags);
        return new WordPressPost(article, postId, tags, postCategories);
    }

    /// <summary>
    /// Reads REST API pages: a JSON file holding an array of posts (one page of /wp/v2/posts?_embed),
    /// or a folder of such files, read in name order.
    /// </summary>
    public static WordPressImportReport FromRestApi(string path)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal).ToList()
            : [path];
        var posts = new List<WordPressPost>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var file in files)
        {
            JsonDocument page;
            try
            {
                page = JsonDocument.Parse(File.ReadAllBytes(file));
            }
            catch (JsonException e)
            {
                problems.Add($"{Path.GetFileName(file)}: invalid JSON ({e.Message.Split(". ")[0]})");
                continue;
            }

            using (page)
            {
                if (page.RootElement.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{Path.GetFileName(file)}: not a page of posts (a JSON array)");
                    continue;
                }

                var index = 0;
                foreach (var element in page.RootElement.EnumerateArray())
                {
                    index++;
                    try
                    {
                        var post = FromRestPost(element, out var reason);
                        if (post == null)
                        {
                            skipped[reason!] = skipped.GetValueOrDefault(reason!) + 1;
                        }
                        else
                        {
                            posts.Add(post);
                        }
                    }
                    catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
                    {
                        skipped["unreadable"] = skipped.GetValueOrDefault("unreadable") + 1;
                        problems.Add($"{Path.GetFileName(file)} post {index}: {e.Message}");
                    }
                }
            }
        }

        return new WordPressImportReport(posts, skipped, problems);
    }

    /// <summary>
    /// One post as WordPress's REST API gives it (<c>/wp/v2/posts/{id}?_embed</c>) → the article, or
    /// null with why it is left out (not a post, not published, password-protected). The one mapping of
    /// WordPress posts to articles: <c>import-wp-json</c> and the WordPress plugin's pushes both use it.
    /// Throws <see cref="FormatException"/>, <see cref="InvalidOperationException"/> or
    /// <see cref="KeyNotFoundException"/> for a post it cannot read.
    /// </summary>
    public static WordPressPost? FromRestPost(JsonElement post, out string? reason)
    {
        if (post.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a post must be a JSON object");
        }

        var type = Str(post, "type") ?? "post";
        // The public API lists only published posts; an authenticated (context=edit) export lists all.
        var status = Str(post, "status") ?? "publish";
        var isProtected = post.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object &&
            content.TryGetProperty("protected", out var p) && p.ValueKind == JsonValueKind.True;
        isProtected |= Str(post, "password") is { Length: > 0 };
        reason = Excluded(type, status, isProtected);
        if (reason != null)
        {
            return null;
        }

        var postId = post.GetProperty("id").GetInt64();
        var published = RestDate(Str(post, "date"), Str(post, "date_gmt")) ?? throw new FormatException($"post {postId} has no readable date");
        var tags = new List<WordPressTerm>();
        var categories = new List<WordPressTerm>();
        var author = "";
        if (post.TryGetProperty("_embedded", out var embedded))
        {
            if (embedded.TryGetProperty("author", out var authors) && authors.ValueKind == JsonValueKind.Array && authors.GetArrayLength() > 0)
            {
                author = Str(authors[0], "name") ?? "";
            }

            if (embedded.TryGetProperty("wp:term", out var groups) && groups.ValueKind == JsonValueKind.Array)
            {
                foreach (var term in groups.EnumerateArray().Where(g => g.ValueKind == JsonValueKind.Array).SelectMany(g => g.EnumerateArray()))
                {
                    var name = Decode(Str(term, "name") ?? "").Trim();
                    var slug = Uri.UnescapeDataString(Str(term, "slug") ?? "");
                    switch (Str(term, "taxonomy"))
                    {
                        case "post_tag" when name.Length > 0:
                            tags.Add(new WordPressTerm(name, slug));
                            break;
                        case "category" when name.Length > 0:
                            categories.Add(new WordPressTerm(name, slug));
                            break;
                    }
                }
            }
        }

        var article = MakeArticle(
            postId,
            Rendered(post, "title"),
            Rendered(post, "content"),
            Rendered(post, "excerpt"),
            Str(post, "slug") ?? "",
            Str(post, "link") ?? "",
            author,
            published,
            RestDate(Str(post, "modified"), Str(post, "modified_gmt")),
            categories.Count == 0 ? null : categories[0].Name,
            tags);
        return new WordPressPost(article, postId, tags, categories);
    }

    /// <summary>Why an item is left out, or null when it is a published, public post.</summary>
    private static string? Excluded(string type, string status, bool passwordProtected) =>
        type != "post" ? (type.Length == 0 ? "unknown type" : type) :
        status != "publish" ? (status.Length == 0 ? "no status" : status) :
        passwordProtected ? "password-protected" : null;

    private static Article MakeArticle(long postId, string rawTitle, string html, string excerptHtml, string slug, string link, string author, DateTimeOffset published, DateTimeOffset? modified, string? rubric, List<WordPressTerm> tags)
    {
        var body = ToText(html);
        var title = ToText(rawTitle);
        if (title.Length == 0)
        {
            // WordPress shows "(no title)"; the first words of the text say more in a result list.
            var words = body.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            title = words.Length == 0 ? $"Sans titre ({postId})" : string.Join(' ', words.Take(10)) + (words.Length > 10 ? " …" : "");
        }

        slug = Uri.UnescapeDataString(slug.Trim());
        if (slug.Length == 0)
        {
            slug = Slug.From(title);
        }

        var summary = ToText(excerptHtml);
        return new Article
        {
            Id = postId.ToString(CultureInfo.InvariantCulture),
            Slug = slug,
            Url = link.Length > 0 ? link : $"/articles/{slug}",
            Title = title,
            Summary = summary.Length == 0 ? null : summary,
            Body = body,
            Author = author.Length == 0 ? null : author,
            PublishedAt = published,
            UpdatedAt = modified is { } m && m > published ? m : null,
            Rubric = rubric,
            Tags = tags.Select(t => t.Name).Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The rubric path of a category, parents first ("Parent > Child"), from the export's category list.</summary>
    private static string RubricPath(WordPressTerm category, Dictionary<string, (string Name, string Parent)> all)
    {
        var names = new List<string> { category.Name };
        var seen = new HashSet<string>(StringComparer.Ordinal) { category.Slug };
        var parent = all.TryGetValue(category.Slug, out var known) ? known.Parent : "";
        while (parent.Length > 0 && seen.Add(parent) && all.TryGetValue(parent, out var up))
        {
            names.Insert(0, up.Name);
            parent = up.Parent;
        }

        return string.Join(" > ", names);
    }

    /// <summary>
    /// Post HTML → text: block comments (&lt;!-- wp:… --&gt;), shortcodes ([gallery …], [caption]…[/caption]
    /// keeps its caption, [embed]url[/embed] goes), scripts and styles removed, entities decoded.
    /// </summary>
    public static string ToText(string html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        var text = EmbeddedShortcode().Replace(html, " ");
        text = Shortcode().Replace(text, match => match.Value.StartsWith("[[", StringComparison.Ordinal) ? match.Value[1..^1] : " ");
        // Text without tags still carries entities (&amp;) in WordPress titles.
        return HtmlText.ToPlainText(HtmlText.LooksLikeHtml(text) ? text : WebUtility.HtmlDecode(text));
    }

    // [embed]…[/embed], [video]…[/video], [audio]…[/audio]: their content is a URL, not text.
    [GeneratedRegex(@"\[(embed|video|audio|playlist)\b[^\]]*\].*?\[/\1\]", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex EmbeddedShortcode();

    // [name attr="…"], [/name], [name/], and [[escaped]] (kept, one bracket less). "[sic]" and
    // "[…]" are text: a shortcode either has attributes, closes, or is a known WordPress one.
    [GeneratedRegex(@"\[\[[^\[\]]+\]\]|\[/[a-z][a-z0-9_-]*\]|\[[a-z][a-z0-9_-]*(\s[^\[\]]*|\s*/)\]|\[(gallery|caption|wp_caption|contact-form(-7)?|toc|more|nextpage)\]", RegexOptions.IgnoreCase)]
    private static partial Regex Shortcode();

    /// <summary>A WXR date: local post_date and post_date_gmt give the offset; no GMT date (drafts: 0000-00-00) → null.</summary>
    private static DateTimeOffset? WxrDate(string local, string gmt)
    {
        if (!TryWpDate(gmt, out var utc))
        {
            return null;
        }

        if (!TryWpDate(local, out var wall))
        {
            return new DateTimeOffset(utc, TimeSpan.Zero);
        }

        var offset = wall - utc;
        // Offsets are whole quarter hours between −12 h and +14 h; anything else is not a time zone.
        return offset.Ticks % TimeSpan.FromMinutes(15).Ticks == 0 && offset >= TimeSpan.FromHours(-12) && offset <= TimeSpan.FromHours(14)
            ? new DateTimeOffset(wall, offset)
            : new DateTimeOffset(utc, TimeSpan.Zero);
    }

    private static DateTimeOffset? RestDate(string? local, string? gmt) =>
        WxrDate((local ?? "").Replace('T', ' '), (gmt ?? "").Replace('T', ' '));

    private static bool TryWpDate(string text, out DateTime date) =>
        DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date.Year > 1;

    private static bool IsWp(string ns) => ns.Contains("wordpress.org/export", StringComparison.Ordinal);

    private static string Wp(XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name && IsWp(e.Name.NamespaceName))?.Value.Trim() ?? "";

    private static string Content(XElement item, string kind) =>
        item.Elements().FirstOrDefault(e => e.Name.LocalName == "encoded" && e.Name.NamespaceName.Contains(kind, StringComparison.Ordinal))?.Value ?? "";

    private static string Decode(string text) => WebUtility.HtmlDecode(text);

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Rendered(JsonElement post, string name) =>
        post.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Object => Str(value, "rendered") ?? "",
            JsonValueKind.String => value.GetString() ?? "",
            _ => "",
        } : "";

    /// <summary>Writes the posts as a corpus (JSON lines), each with its WordPress id and terms as WordPress spells them.</summary>
    public static int WriteCorpus(string path, IEnumerable<WordPressPost> posts)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        var count = 0;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var post in posts)
            {
                using (var json = new Utf8JsonWriter(stream, CorpusWriter.Options))
                {
                    CorpusWriter.Write(json, post.Article, extra =>
                    {
                        extra.WriteStartObject("wordpress");
                        extra.WriteNumber("postId", post.PostId);
                        WriteTerms(extra, "tags", post.Tags);
                        WriteTerms(extra, "categories", post.Categories);
                        extra.WriteEndObject();
                    });
                }

                stream.WriteByte((byte)'\n');
                count++;
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        return count;
    }

    private static void WriteTerms(Utf8JsonWriter json, string name, IReadOnlyList<WordPressTerm> terms)
    {
        json.WriteStartArray(name);
        foreach (var term in terms)
        {
            json.WriteStartObject();
            json.WriteString("name", term.Name);
            json.WriteString("slug", term.Slug);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
