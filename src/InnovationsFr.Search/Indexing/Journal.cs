using System.Text;
using System.Text.Json;

namespace InnovationsFr.Search;

/// <summary>An article to publish or replace (<see cref="Article"/> set), or to withdraw (null).</summary>
public sealed record IndexChange(string Id, Article? Article)
{
    public bool IsDelete => Article == null;

    public static IndexChange Upsert(Article article) => new(article.Id, article);

    public static IndexChange Delete(string id) => new(id, null);
}

/// <summary>A journal record: a change with its sequence number.</summary>
internal sealed record JournalEntry(long Sequence, IndexChange Change);

/// <summary>
/// The admin journal: every change acknowledged through the admin API, one JSON line each, in the
/// index folder (beside the generations, not in one). It is both the write-ahead log and the
/// overlay over the corpus:
/// - a change is appended and flushed to disk (fsync) before it is acknowledged, so a crash right
///   after the acknowledgement loses nothing: at start the changes that the last Lucene commit does
///   not hold (their sequence is above the commit's) are applied again;
/// - every build (the API's reindex or the indexer's build) applies it after the corpus, so a
///   rebuild from the corpus keeps what editors published, corrected or withdrew since.
/// Compaction keeps the last record of each article. Applying a record twice is harmless (an
/// upsert replaces by id, a delete deletes by id), so replay only needs order, not exactness.
/// </summary>
internal sealed class Journal : IDisposable
{
    public const string FileName = "journal.jsonl";

    private readonly string _path;
    private FileStream _stream;
    private long _sizeAfterCompaction;

    private Journal(string path, FileStream stream, long lastSequence)
    {
        _path = path;
        _stream = stream;
        LastSequence = lastSequence;
        _sizeAfterCompaction = stream.Length;
    }

    /// <summary>The sequence number of the last change written.</summary>
    public long LastSequence { get; private set; }

    public long Bytes => _stream.Length;

    public static string PathIn(string folderRoot) => Path.Combine(folderRoot, FileName);

    /// <summary>Opens (or creates) the journal for appending; a torn last line left by a crash is cut off.</summary>
    public static Journal Open(string folderRoot)
    {
        Directory.CreateDirectory(folderRoot);
        var path = PathIn(folderRoot);
        long last = 0;
        long goodLength = 0;
        if (File.Exists(path))
        {
            foreach (var (entry, end) in ReadWithOffsets(path))
            {
                last = Math.Max(last, entry.Sequence);
                goodLength = end;
            }
        }

        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        if (stream.Length != goodLength)
        {
            // What follows the last complete record was never acknowledged (the fsync did not return).
            stream.SetLength(goodLength);
            stream.Flush(flushToDisk: true);
        }

        stream.Seek(0, SeekOrigin.End);
        return new Journal(path, stream, last);
    }

    /// <summary>Appends changes and flushes them to disk; returns the last one's sequence number.</summary>
    public long Append(IReadOnlyList<IndexChange> changes)
    {
        var buffer = new MemoryStream();
        var sequence = LastSequence;
        foreach (var change in changes)
        {
            sequence++;
            WriteEntry(buffer, new JournalEntry(sequence, change));
        }

        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
        LastSequence = sequence;
        return sequence;
    }

    /// <summary>Whether the file has grown enough since the last compaction to be worth compacting.</summary>
    public bool WantsCompaction => _stream.Length > Math.Max(64L << 20, 2 * _sizeAfterCompaction);

    /// <summary>Rewrites the journal with the last record of each article only, atomically (temporary file, fsync, rename).</summary>
    public void Compact()
    {
        _stream.Flush(flushToDisk: true);
        var temp = _path + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var entry in ReadLatest(_path, 0))
            {
                WriteEntry(output, entry);
            }

            output.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _stream.Dispose();
        _stream = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        _stream.Seek(0, SeekOrigin.End);
        _sizeAfterCompaction = _stream.Length;
    }

    /// <summary>Every complete record after <paramref name="afterSequence"/>, in order.</summary>
    public static IEnumerable<JournalEntry> Read(string path, long afterSequence)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (var (entry, _) in ReadWithOffsets(path))
        {
            if (entry.Sequence > afterSequence)
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// The last record of each article after <paramref name="afterSequence"/>, in sequence order:
    /// two passes, so that only ids and sequence numbers are held in memory.
    /// </summary>
    public static IEnumerable<JournalEntry> ReadLatest(string path, long afterSequence)
    {
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        var max = afterSequence;
        foreach (var entry in Read(path, afterSequence))
        {
            last[entry.Change.Id] = entry.Sequence;
            max = Math.Max(max, entry.Sequence);
        }

        // Records appended between the two passes are left for the next reader.
        foreach (var entry in Read(path, afterSequence).TakeWhile(e => e.Sequence <= max))
        {
            if (last[entry.Change.Id] == entry.Sequence)
            {
                yield return entry;
            }
        }
    }

    /// <summary>The records with the file offset just past each; stops at the first line that is not a complete record (a torn write).</summary>
    private static IEnumerable<(JournalEntry Entry, long End)> ReadWithOffsets(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var line = new MemoryStream();
        long offset = 0;
        int b;
        var reader = new BufferedStream(stream, 1 << 16);
        while ((b = reader.ReadByte()) >= 0)
        {
            offset++;
            if (b != '\n')
            {
                line.WriteByte((byte)b);
                continue;
            }

            var entry = Parse(line.GetBuffer().AsSpan(0, (int)line.Length));
            line.SetLength(0);
            if (entry == null)
            {
                yield break;
            }

            yield return (entry, offset);
        }
    }

    private static JournalEntry? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray());
            var root = doc.RootElement;
            var sequence = root.GetProperty("seq").GetInt64();
            var id = root.GetProperty("id").GetString();
            if (id == null)
            {
                return null;
            }

            if (root.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True)
            {
                return new JournalEntry(sequence, IndexChange.Delete(id));
            }

            var parsed = CorpusReader.Parse(FileName, 0, root.GetProperty("article").GetRawText());
            return parsed.Article == null ? null : new JournalEntry(sequence, IndexChange.Upsert(parsed.Article));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void WriteEntry(Stream output, JournalEntry entry)
    {
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", entry.Sequence);
            json.WriteString("id", entry.Change.Id);
            if (entry.Change.Article is { } article)
            {
                json.WritePropertyName("article");
                CorpusWriter.Write(json, article);
            }
            else
            {
                json.WriteBoolean("deleted", true);
            }

            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
    }

    public void Dispose() => _stream.Dispose();
}
