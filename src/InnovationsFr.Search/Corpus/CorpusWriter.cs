using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InnovationsFr.Search;

/// <summary>
/// Writes articles in the corpus format (JSON lines, one article an object) that
/// <see cref="CorpusReader"/> reads: the importers' output and the admin journal's records.
/// </summary>
public static class CorpusWriter
{
    internal static readonly JsonWriterOptions Options = new()
    {
        // French stays readable in the file (é, not \u00e9); the reader decodes both.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One article as one JSON line (no line break inside).</summary>
    public static string Line(Article article)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            Write(json, article);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the article as a JSON object, with the corpus field names; <paramref name="extra"/> adds fields of its own (the reader ignores them).</summary>
    public static void Write(Utf8JsonWriter json, Article article, Action<Utf8JsonWriter>? extra = null)
    {
        json.WriteStartObject();
        json.WriteString("id", article.Id);
        json.WriteString("slug", article.Slug);
        json.WriteString("url", article.Url);
        json.WriteString("title", article.Title);
        if (article.Summary != null)
        {
            json.WriteString("summary", article.Summary);
        }

        json.WriteString("body", article.Body);
        if (article.Author != null)
        {
            json.WriteString("author", article.Author);
        }

        json.WriteString("publishedAt", article.PublishedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
        if (article.UpdatedAt is { } updated)
        {
            json.WriteString("updatedAt", updated.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
        }

        if (article.Rubric != null)
        {
            json.WriteString("rubric", article.Rubric);
        }

        json.WriteStartArray("tags");
        foreach (var tag in article.Tags)
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        extra?.Invoke(json);
        json.WriteEndObject();
    }
}
