using System.Text.Json;

namespace InnovationsFr.Search;

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

    // What compaction would save: records in the file, and the distinct articles they hold (by a
    // 64-bit hash of the id: 8 bytes an article, not the id). A bulk load of new articles leaves
    // nothing to drop, and compacting it anyway cost a twentieth of the load's CPU.
    private readonly HashSet<ulong> _articles;
    private long _records;
    private long _recordsAtCompactionStart;

    private Journal(string path, FileStream stream, long lastSequence, HashSet<ulong> articles, long records)
    {
        _path = path;
        _stream = stream;
        LastSequence = lastSequence;
        _articles = articles;
        _records = records;
    }

    /// <summary>The sequence number of the last change written.</summary>
    public long LastSequence { get; private set; }

    public long Bytes => _stream.Length;

    public static string PathIn(string folderRoot) => Path.Combine(folderRoot, FileName);

    /// <summary>Opens (or creates) the journal for appending; a torn last line left by a crash is cut off.</summary>
    public static Journal Open(string folderRoot, long compactionFloor = 64L << 20)
    {
        Directory.CreateDirectory(folderRoot);
        var path = PathIn(folderRoot);
        long last = 0;
        long goodLength = 0;
        long records = 0;
        var articles = new HashSet<ulong>();
        if (File.Exists(path))
        {
            foreach (var record in ReadRecords(path))
            {
                last = Math.Max(last, record.Sequence);
                goodLength = record.End;
                records++;
                articles.Add(IdHash(record.Id));
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
        return new Journal(path, stream, last, articles, records) { CompactionFloor = compactionFloor };
    }

    /// <summary>Changes serialized for the journal, all but their sequence numbers (done outside any lock).</summary>
    public static byte[][] Prepare(IReadOnlyList<IndexChange> changes)
    {
        var lines = new byte[changes.Count][];
        for (var i = 0; i < lines.Length; i++)
        {
            using var buffer = new MemoryStream();
            WriteEntry(buffer, changes[i]);
            lines[i] = buffer.ToArray();
        }

        return lines;
    }

    /// <summary>
    /// Appends prepared changes (from <see cref="Prepare"/> of <paramref name="changes"/>), numbered,
    /// and flushes them to disk; returns the last one's sequence number.
    /// </summary>
    public long Append(byte[][] prepared, IReadOnlyList<IndexChange> changes)
    {
        var buffer = new MemoryStream(prepared.Sum(p => p.Length + 24));
        var sequence = LastSequence;
        foreach (var line in prepared)
        {
            sequence++;
            // A prepared line is {"id":…}\n: the sequence number goes first.
            buffer.Write(System.Text.Encoding.UTF8.GetBytes("{\"seq\":" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + ","));
            buffer.Write(line, 1, line.Length - 1);
        }

        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush(flushToDisk: true);
        LastSequence = sequence;
        _records += prepared.Length;
        foreach (var change in changes)
        {
            _articles.Add(IdHash(change.Id));
        }

        return sequence;
    }

    /// <summary>The size below which the journal is never compacted (64 MB; tests lower it).</summary>
    public long CompactionFloor { get; init; } = 64L << 20;

    /// <summary>
    /// Whether compacting would pay: the file is past the floor and at least half of its records
    /// are older changes of an article that a later record replaces (compaction at least halves it).
    /// </summary>
    public bool WantsCompaction => _stream.Length > CompactionFloor && 2 * (_records - _articles.Count) >= _records;

    private static ulong IdHash(string id)
    {
        // FNV-1a over the UTF-16 code units: stable, and a collision among a site's ids only makes
        // the estimate of what compaction saves a little high.
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Rewrites the journal with the last record of each article only, atomically (temporary file, fsync, rename).</summary>
    public void Compact()
    {
        var end = CompactionStart();
        FinishCompaction(WriteCompacted(end), end);
    }

    /// <summary>
    /// Compaction in three steps, so that the long one runs while changes are still appended: this
    /// one (under the writers' lock) marks where the records to compact end.
    /// </summary>
    public long CompactionStart()
    {
        _stream.Flush(flushToDisk: true);
        _recordsAtCompactionStart = _records;
        return _stream.Length;
    }

    /// <summary>
    /// Second step, without any lock: writes the last record of each article among those before
    /// <paramref name="end"/> to a temporary file, and returns its path and how many records it
    /// holds. Lines are copied as they are: only their sequence number and id are parsed.
    /// </summary>
    public (string Path, long Records) WriteCompacted(long end)
    {
        var temp = _path + ".tmp";
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in ReadRecords(_path).TakeWhile(r => r.End <= end))
        {
            last[record.Id] = record.Sequence;
        }

        using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        foreach (var record in ReadRecords(_path).TakeWhile(r => r.End <= end))
        {
            if (last[record.Id] == record.Sequence)
            {
                output.Write(record.Line);
                output.WriteByte((byte)'\n');
            }
        }

        output.Flush(flushToDisk: true);
        return (temp, last.Count);
    }

    /// <summary>
    /// Last step, under the writers' lock: appends the records written since <paramref name="end"/>
    /// to the compacted file as they are, and puts it in the journal's place (fsync, rename, fsync the folder: a
    /// crash before the rename leaves the old journal whole).
    /// </summary>
    public void FinishCompaction((string Path, long Records) compacted, long end)
    {
        _stream.Flush(flushToDisk: true);
        using (var output = new FileStream(compacted.Path, FileMode.Append, FileAccess.Write, FileShare.None, 1 << 16))
        using (var source = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16))
        {
            source.Seek(end, SeekOrigin.Begin);
            source.CopyTo(output);
            output.Flush(flushToDisk: true);
        }

        DurableFile.Replace(compacted.Path, _path);
        _stream.Dispose();
        _stream = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        _stream.Seek(0, SeekOrigin.End);
        _records = compacted.Records + (_records - _recordsAtCompactionStart);
    }

    /// <summary>Every complete record after <paramref name="afterSequence"/>, in order.</summary>
    public static IEnumerable<JournalEntry> Read(string path, long afterSequence)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (var record in ReadRecords(path))
        {
            if (record.Sequence > afterSequence && Parse(record.Line) is { } entry)
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
        foreach (var record in File.Exists(path) ? ReadRecords(path) : [])
        {
            if (record.Sequence > afterSequence)
            {
                last[record.Id] = record.Sequence;
                max = Math.Max(max, record.Sequence);
            }
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

    /// <summary>A complete journal line: its sequence number and article id, its bytes, and the file offset just past it.</summary>
    private sealed record Record(long Sequence, string Id, byte[] Line, long End);

    /// <summary>
    /// The complete records in order; stops at the first line that is not one (a torn write: no
    /// line break yet, or not valid JSON). Only the sequence number and id are decoded.
    /// </summary>
    private static IEnumerable<Record> ReadRecords(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var buffer = new byte[1 << 16];
        var line = new MemoryStream();
        long offset = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            while (start < read)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                if (newline < 0)
                {
                    line.Write(buffer, start, read - start);
                    offset += read - start;
                    break;
                }

                line.Write(buffer, start, newline - start);
                offset += newline - start + 1;
                start = newline + 1;
                var bytes = line.ToArray();
                line.SetLength(0);
                if (Header(bytes) is not { } header)
                {
                    yield break;
                }

                yield return new Record(header.Sequence, header.Id, bytes, offset);
            }
        }
    }

    /// <summary>The sequence number and id of a line, when the line is one whole JSON object holding both.</summary>
    private static (long Sequence, string Id)? Header(byte[] utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            long? sequence = null;
            string? id = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "seq" && reader.TokenType == JsonTokenType.Number)
                {
                    sequence = reader.GetInt64();
                }
                else if (name == "id" && reader.TokenType == JsonTokenType.String)
                {
                    id = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            // The whole line must be read without error: a torn line is not valid JSON.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && sequence is { } s && id != null ? (s, id) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JournalEntry? Parse(byte[] utf8)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8);
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

    private static void WriteEntry(Stream output, IndexChange change)
    {
        using (var json = new Utf8JsonWriter(output, CorpusWriter.Options))
        {
            json.WriteStartObject();
            json.WriteString("id", change.Id);
            if (change.Article is { } article)
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
