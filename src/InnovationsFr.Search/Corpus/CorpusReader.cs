using System.Globalization;
using System.Text.Json;

namespace InnovationsFr.Search;

/// <summary>
/// Reads a corpus in JSON lines (one article an object, blank lines ignored) and checks each record:
/// a bad line becomes an entry with a problem, never an exception, so that a build can report it by line.
/// </summary>
public sealed class CorpusReader : IDisposable
{
    /// <summary>Longest line accepted (a bigger record is reported, not read into memory whole).</summary>
    public const int MaxLineChars = 4 * 1024 * 1024;

    private readonly FileStream _stream;
    private readonly StreamReader _reader;

    public CorpusReader(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _reader = new StreamReader(_stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    public string Path { get; }

    public long TotalBytes => _stream.Length;

    /// <summary>Bytes consumed so far (to the read buffer's granularity), for progress and ETA.</summary>
    public long BytesRead => _stream.Position;

    public IEnumerable<CorpusEntry> ReadAll()
    {
        var lineNumber = 0;
        string? line;
        while ((line = _reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Parse(Path, lineNumber, line);
        }
    }

    /// <summary>Parses and checks one JSON line.</summary>
    public static CorpusEntry Parse(string file, int line, string json)
    {
        if (json.Length > MaxLineChars)
        {
            return new CorpusEntry(file, line, null, $"record is longer than {MaxLineChars} characters");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return new CorpusEntry(file, line, null, $"invalid JSON: {FirstSentence(e.Message)}");
        }

        using (doc)
        {
            return Parse(file, line, doc.RootElement);
        }
    }

    /// <summary>Checks one parsed record; <paramref name="defaultId"/> stands for a missing id (the admin API's URL).</summary>
    public static CorpusEntry Parse(string file, int line, JsonElement root, string? defaultId = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new CorpusEntry(file, line, null, "a record must be a JSON object");
        }

        try
        {
            return new CorpusEntry(file, line, ToArticle(root, defaultId), null);
        }
        catch (RecordException e)
        {
            return new CorpusEntry(file, line, null, e.Message);
        }
        catch (InvalidOperationException)
        {
            // Every value is read after its kind is checked: what is left is a string that does not decode.
            return new CorpusEntry(file, line, null, NotUnicode);
        }
    }

    /// <summary>Why a record whose JSON is well formed cannot be read: a string escapes half of a surrogate pair ("\ud800").</summary>
    public const string NotUnicode = "a string is not Unicode text (an unpaired surrogate escape such as \\ud800)";

    private static Article ToArticle(JsonElement root, string? defaultId)
    {
        var id = Text(root, "id")?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            id = defaultId;
        }

        if (string.IsNullOrEmpty(id))
        {
            throw new RecordException("missing id");
        }

        if (id.Length > 200)
        {
            throw new RecordException("id is longer than 200 characters");
        }

        var title = Text(root, "title")?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            throw new RecordException($"article '{id}': missing title");
        }

        var publishedAt = Date(root, "publishedAt", id) ?? throw new RecordException($"article '{id}': missing publishedAt");
        var slug = Text(root, "slug")?.Trim();
        if (string.IsNullOrEmpty(slug))
        {
            slug = Slug.From(title);
        }

        var url = Text(root, "url")?.Trim();
        return new Article
        {
            Id = id,
            Slug = slug,
            Url = string.IsNullOrEmpty(url) ? $"/articles/{slug}" : url,
            Title = title,
            Summary = NullIfBlank(Text(root, "summary")),
            Body = Text(root, "body") ?? "",
            Author = NullIfBlank(Text(root, "author")),
            PublishedAt = publishedAt,
            UpdatedAt = Date(root, "updatedAt", id),
            Rubric = NullIfBlank(Text(root, "rubric")),
            Tags = Tags(root, id),
        };
    }

    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new RecordException($"'{name}' must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        return value.GetString();
    }

    private static DateTimeOffset? Date(JsonElement root, string name, string id)
    {
        var text = Text(root, name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!TryParseDate(text, out var date))
        {
            throw new RecordException($"article '{id}': bad date in '{name}': \"{Shorten(text)}\" (ISO 8601 with an offset, e.g. 2025-08-13T09:30:00+02:00)");
        }

        return date;
    }

    /// <summary>Accepts ISO 8601 date-times that carry an offset or Z; a date-time without offset is ambiguous and refused.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset date)
    {
        text = text.Trim();
        date = default;
        // RoundtripKind leaves a date-time without offset "Unspecified": that is the ambiguous case we refuse.
        return text.Contains('T', StringComparison.Ordinal) &&
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) &&
            parsed.Kind != DateTimeKind.Unspecified &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static IReadOnlyList<string> Tags(JsonElement root, string id)
    {
        if (!root.TryGetProperty("tags", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new RecordException($"article '{id}': 'tags' must be an array of strings");
        }

        var tags = new List<string>();
        foreach (var tag in value.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String)
            {
                throw new RecordException($"article '{id}': 'tags' must be an array of strings");
            }

            var text = tag.GetString()!.Trim();
            if (text.Length > 0 && Slug.From(text).Length > 0)
            {
                tags.Add(text);
            }
        }

        return tags;
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..(i + 1)] : message;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private sealed class RecordException(string message) : Exception(message);
}
