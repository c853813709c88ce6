using Lucene.Net.Index;
using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>The one place that knows the field layout, and maps an <see cref="Article"/> to a Lucene document and back.</summary>
internal static class ArticleDocument
{
    // Identity and display.
    public const string Id = "id";
    public const string Slug = "slug";
    public const string Url = "url";
    public const string Author = "author";
    public const string PublishedIso = "published_iso";
    public const string UpdatedIso = "updated_iso";
    public const string RubricPath = "rubric_path";
    public const string TagLabel = "tag_label";
    public const string BodySource = "body_source";

    // Searched text, French-stemmed (stored where snippets or the article endpoint need the text).
    public const string Title = "title";
    public const string Summary = "summary";
    public const string Body = "body";
    public const string TagsText = "tags_text";

    // The title through the exact chain: the written form, accents kept, not stemmed. Not the
    // summary or body: analysing them twice cost a fifth of the build time for the weakest signal.
    public const string TitleExact = "title_exact";

    // The words of title, summary and the words of the body that end within its first
    // VocabularyChars characters, as written (exact chain: lower case, accents kept, not stemmed),
    // each once, documents only (no frequencies, positions or norms): the vocabulary that "did you
    // mean" and word completion offer, with how many articles use each word. Not searched. The
    // whole body cost a quarter of the build time at 100k articles; its lead holds the words
    // readers type. Collected while those fields are analysed (DocumentVocabulary), not analysed again.
    public const string Words = "words";

    /// <summary>Characters of the body whose words enter the vocabulary.</summary>
    public const int VocabularyChars = 2_000;

    // Filters, sorting and counting.
    public const string Tag = "tag";
    public const string TagVariant = "tag_variant";
    public const string Rubric = "rubric";
    public const string RubricVariant = "rubric_variant";
    public const string Published = "published";

    /// <summary>Separates slug and label in <see cref="TagVariant"/> terms.</summary>
    public const char VariantSeparator = '\u001f';

    private static readonly FieldType StoredText = new(TextField.TYPE_STORED) { OmitNorms = false };

    private static readonly FieldType VocabularyText = new(TextField.TYPE_NOT_STORED) { OmitNorms = true, IndexOptions = IndexOptions.DOCS_ONLY };

    /// <summary>Indexed like a <see cref="StringField"/> (each value one term, documents only), several values in one field.</summary>
    private static readonly FieldType KeywordTerms = new(TextField.TYPE_NOT_STORED) { OmitNorms = true, IndexOptions = IndexOptions.DOCS_ONLY };

    /// <summary>A document's top rubric key (its shortest path key), or null.</summary>
    public static string? TopRubric(SortedSetDocValues rubrics, int doc)
    {
        rubrics.SetDocument(doc);
        var ord = rubrics.NextOrd();
        if (ord == SortedSetDocValues.NO_MORE_ORDS)
        {
            return null;
        }

        // Keys sort by path: "a" before "a/b", so the first is the top level.
        var bytes = new BytesRef();
        rubrics.LookupOrd(ord, bytes);
        return bytes.Utf8ToString();
    }

    /// <summary>The live document of an article id (searcher-wide number), or null.</summary>
    public static int? Find(IndexReader reader, string id)
    {
        var term = new BytesRef(id);
        foreach (var context in reader.Leaves)
        {
            var terms = context.AtomicReader.GetTerms(Id)?.GetEnumerator();
            if (terms == null || !terms.SeekExact(term))
            {
                continue;
            }

            var docs = terms.Docs(context.AtomicReader.LiveDocs, null, DocsFlags.NONE);
            var doc = docs.NextDoc();
            if (doc != Lucene.Net.Search.DocIdSetIterator.NO_MORE_DOCS)
            {
                return context.DocBase + doc;
            }
        }

        return null;
    }

    public static Document ToDocument(Article article, TagAliases aliases)
    {
        var bodyText = HtmlText.ToPlainText(article.Body);
        // The body is stored once where it can be: as given when it is plain text (its indexed text
        // is then the same with spaces folded, folded again when read), as text and source when it is
        // HTML (snippets read the text; converting HTML for every hit shown would cost each search).
        var sourceOnly = !string.Equals(bodyText, article.Body, StringComparison.Ordinal) && !HtmlText.LooksLikeHtml(article.Body);
        var doc = new Document
        {
            new StringField(Id, article.Id, Field.Store.YES),
            // Sorted doc values on the id: a deterministic tie-break when sorting by date.
            new SortedDocValuesField(Id, new BytesRef(article.Id)),
            new StringField(Slug, article.Slug, Field.Store.YES),
            new StoredField(Url, article.Url),
            new Field(Title, article.Title, StoredText),
            new TextField(TitleExact, article.Title, Field.Store.NO),
            sourceOnly ? new TextField(Body, bodyText, Field.Store.NO) : new Field(Body, bodyText, StoredText),
            new Field(Words, DocumentVocabulary.Begin(), VocabularyText),
            new StoredField(PublishedIso, article.PublishedAt.ToString("O", CultureInfo.InvariantCulture)),
            // Doc values serve sorting, date filters and the recency boost (an indexed numeric
            // field for ranges cost 8% of build time for no faster filtering).
            new NumericDocValuesField(Published, article.PublishedAt.ToUnixTimeMilliseconds()),
        };

        if (article.Summary is { } summary)
        {
            doc.Add(new Field(Summary, summary, StoredText));
        }

        if (!string.Equals(bodyText, article.Body, StringComparison.Ordinal))
        {
            doc.Add(new StoredField(BodySource, article.Body));
        }

        if (article.Author is { } author)
        {
            doc.Add(new StoredField(Author, author));
        }

        if (article.UpdatedAt is { } updated)
        {
            doc.Add(new StoredField(UpdatedIso, updated.ToString("O", CultureInfo.InvariantCulture)));
        }

        if (article.Rubric is { } rubric)
        {
            doc.Add(new StoredField(RubricPath, rubric));
            doc.Add(new KeywordsField(Rubric, RubricKeys(rubric)));

            // Path keys ("a", "a/b") are counted for the rubric facet; their spelled-out paths elect its labels.
            var paths = PathKeys(rubric);
            var levels = SplitRubric(rubric);
            var variants = new List<string>(paths.Count);
            for (var i = 0; i < paths.Count; i++)
            {
                doc.Add(new SortedSetDocValuesField(Rubric, new BytesRef(paths[i])));
                variants.Add(paths[i] + VariantSeparator + string.Join(" > ", levels.Take(i + 1)));
            }

            doc.Add(new KeywordsField(RubricVariant, variants));
        }

        var keys = new List<string>(article.Tags.Count);
        var tagVariants = new List<string>(article.Tags.Count);
        foreach (var label in article.Tags)
        {
            var key = aliases.Key(label);
            doc.Add(new StoredField(TagLabel, label));
            if (keys.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            keys.Add(key);
            doc.Add(new TextField(TagsText, label, Field.Store.NO));
            if (aliases.CanonicalLabel(key) is { } canonical && TagAliases.Fold(label) != key)
            {
                // An alias also makes the canonical tag's words findable: "IA" → "Intelligence artificielle".
                doc.Add(new TextField(TagsText, canonical, Field.Store.NO));
            }

            // One field name, two roles: the indexed term filters, the doc values count.
            doc.Add(new SortedSetDocValuesField(Tag, new BytesRef(key)));
            // Every spelling is a term "key␟label": its document frequency elects the display label.
            tagVariants.Add(key + VariantSeparator + label);
        }

        if (keys.Count > 0)
        {
            doc.Add(new KeywordsField(Tag, keys));
            doc.Add(new KeywordsField(TagVariant, tagVariants));
        }

        return doc;
    }

    /// <summary>
    /// A keyword field of several values, each one term: what a <see cref="StringField"/> a value
    /// gives, in one field. Its token stream is the inverting thread's own, given this field's values
    /// when Lucene asks for it (Lucene inverts a document's fields one after the other): a token
    /// stream built for each field and each article (its attribute maps) cost more than its terms.
    /// </summary>
    private sealed class KeywordsField(string name, IReadOnlyCollection<string> values) : Field(name, KeywordTerms)
    {
        [ThreadStatic]
        private static Keywords? t_stream;

        public override Lucene.Net.Analysis.TokenStream GetTokenStream(Lucene.Net.Analysis.Analyzer analyzer) =>
            (t_stream ??= new Keywords()).Over(values);
    }

    /// <summary>The values of a keyword field, one term each.</summary>
    private sealed class Keywords : Lucene.Net.Analysis.TokenStream
    {
        private readonly Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute _term;
        private IReadOnlyCollection<string> _values = [];
        private IEnumerator<string>? _next;

        public Keywords()
        {
            _term = AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        }

        public Keywords Over(IReadOnlyCollection<string> values)
        {
            _values = values;
            _next = null;
            return this;
        }

        public override void Reset()
        {
            base.Reset();
            _next = _values.GetEnumerator();
        }

        public override bool IncrementToken()
        {
            if (_next == null || !_next.MoveNext())
            {
                return false;
            }

            ClearAttributes();
            _term.SetEmpty().Append(_next.Current);
            return true;
        }
    }

    /// <summary>The stored fields a hit, a related article or a title completion shows (not the HTML source, author or update date).</summary>
    public static readonly ISet<string> ShownFields = new HashSet<string>(StringComparer.Ordinal)
    {
        Id, Slug, Url, Title, Summary, Body, PublishedIso, RubricPath, TagLabel,
    };

    /// <summary>The stored fields of a title completion.</summary>
    public static readonly ISet<string> LinkFields = new HashSet<string>(StringComparer.Ordinal) { Id, Slug, Title };

    /// <summary>
    /// Reads the stored fields of document <paramref name="doc"/> (searcher-wide number): the one
    /// place that maps stored fields back to what is shown. <paramref name="fields"/> limits what is
    /// loaded (<see cref="ShownFields"/>, <see cref="LinkFields"/>); fields not loaded are empty.
    /// </summary>
    public static StoredArticle Load(Lucene.Net.Search.IndexSearcher searcher, int doc, ISet<string> fields)
    {
        var visitor = new ShownFieldsVisitor(fields);
        searcher.Doc(doc, visitor);
        var stored = visitor.Document;
        return new StoredArticle(
            stored.Get(Id),
            stored.Get(Slug),
            stored.Get(Url) ?? "",
            stored.Get(Title) ?? "",
            stored.Get(Summary),
            // Plain text stored as given (spaces not folded): its indexed text is the same folded.
            stored.Get(Body) ?? HtmlText.ToPlainText(stored.Get(BodySource)),
            stored.Get(PublishedIso) is { } published ? DateTimeOffset.Parse(published, CultureInfo.InvariantCulture) : default,
            stored.Get(RubricPath),
            stored.GetValues(TagLabel));
    }

    /// <summary>
    /// Loads the fields asked for, and the body's source only where the body's text was not stored
    /// (stored fields come in the order they were added: the text, when there is one, comes first).
    /// </summary>
    private sealed class ShownFieldsVisitor(ISet<string> fields) : DocumentStoredFieldVisitor
    {
        private bool _textSeen;

        public override Status NeedsField(FieldInfo fieldInfo)
        {
            if (fieldInfo.Name == BodySource)
            {
                return fields.Contains(Body) && !_textSeen ? Status.YES : Status.NO;
            }

            _textSeen |= fieldInfo.Name == Body;
            return fields.Contains(fieldInfo.Name) ? Status.YES : Status.NO;
        }
    }

    /// <summary>The article with this id, or null.</summary>
    public static Article? FindById(Lucene.Net.Search.IndexSearcher searcher, string id)
    {
        var top = searcher.Search(new Lucene.Net.Search.TermQuery(new Term(Id, id)), 1);
        return top.TotalHits == 0 ? null : ToArticle(searcher.Doc(top.ScoreDocs[0].Doc));
    }

    /// <summary>The newest article with this slug, or null.</summary>
    public static Article? FindBySlug(Lucene.Net.Search.IndexSearcher searcher, string slug)
    {
        var newest = new Lucene.Net.Search.Sort(new Lucene.Net.Search.SortField(Published, Lucene.Net.Search.SortFieldType.INT64, reverse: true));
        var top = searcher.Search(new Lucene.Net.Search.TermQuery(new Term(Slug, slug)), null, 1, newest);
        return top.TotalHits == 0 ? null : ToArticle(searcher.Doc(top.ScoreDocs[0].Doc));
    }

    private static Article ToArticle(Document doc) => new()
    {
        Id = doc.Get(Id),
        Slug = doc.Get(Slug),
        Url = doc.Get(Url),
        Title = doc.Get(Title),
        Summary = doc.Get(Summary),
        Body = doc.Get(BodySource) ?? doc.Get(Body) ?? "",
        Author = doc.Get(Author),
        PublishedAt = DateTimeOffset.Parse(doc.Get(PublishedIso), CultureInfo.InvariantCulture),
        UpdatedAt = doc.Get(UpdatedIso) is { } updated ? DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture) : null,
        Rubric = doc.Get(RubricPath),
        Tags = doc.GetValues(TagLabel),
    };

    /// <summary>
    /// Filter keys of a rubric path "A > B": each level's slug ("b") and each path prefix ("a", "a/b"),
    /// so that a filter on a parent rubric includes its sub-rubrics.
    /// </summary>
    public static IReadOnlyCollection<string> RubricKeys(string rubric)
    {
        var levels = SplitRubric(rubric).Select(Search.Slug.From).Where(s => s.Length > 0).ToList();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < levels.Count; i++)
        {
            keys.Add(levels[i]);
            keys.Add(string.Join('/', levels.Take(i + 1)));
        }

        return keys;
    }

    /// <summary>The path keys of a rubric, root first: "a", "a/b".</summary>
    public static List<string> PathKeys(string rubric)
    {
        var levels = SplitRubric(rubric).Select(Search.Slug.From).Where(s => s.Length > 0).ToList();
        return Enumerable.Range(1, levels.Count).Select(n => string.Join('/', levels.Take(n))).ToList();
    }

    /// <summary>The key a rubric filter is matched against: a label, a path "A > B", or a slug path "a/b".</summary>
    public static string RubricFilterKey(string rubric) =>
        string.Join('/', SplitRubric(rubric).SelectMany(level => level.Split('/')).Select(Search.Slug.From).Where(s => s.Length > 0));

    private static string[] SplitRubric(string rubric) =>
        rubric.Split(['>', '›', '»'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>What an article's stored fields hold for display (the body as plain text).</summary>
internal sealed record StoredArticle(
    string Id,
    string Slug,
    string Url,
    string Title,
    string? Summary,
    string Body,
    DateTimeOffset PublishedAt,
    string? Rubric,
    string[] TagLabels);
