using System.Text;
using InnovationsFr.Search;
using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Compressing;
using Lucene.Net.Codecs.Lucene41;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace InnovationsFr.Search.Tests.Indexing;

public class IndexFormatTests
{
    [Fact]
    public void StoredText_CompressedByOurEncoder_IsReadBackByLucenesOwnDecoder_WholeAndInParts()
    {
        var random = new Random(20261129);
        var words = "l'intelligence artificielle générative des start-up françaises lève 12 millions d'euros à Paris".Split(' ');
        var inputs = new List<byte[]> { Array.Empty<byte>(), new byte[] { 42 }, Encoding.UTF8.GetBytes("court"), new byte[13], Enumerable.Repeat((byte)'a', 70_000).ToArray() };
        foreach (var size in new[] { 12, 17, 100, 4_000, 16_384, 16_400, 70_000, 200_000 })
        {
            var text = new StringBuilder();
            while (text.Length < size)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            inputs.Add(Encoding.UTF8.GetBytes(text.ToString(0, size)));
            var noise = new byte[size];
            random.NextBytes(noise);
            inputs.Add(noise);
        }

        var compressor = IndexFormat.FastLz4.Mode.NewCompressor();
        var lucene = CompressionMode.FAST.NewDecompressor();
        foreach (var input in inputs)
        {
            // Framed as in a stored-fields file: the block, then what follows it.
            var buffer = new byte[input.Length + (input.Length / 255) + 64];
            var output = new ByteArrayDataOutput(buffer);
            compressor.Compress(input, 0, input.Length, output);
            var end = output.Position;
            output.WriteInt32(0x5EED);

            var whole = new BytesRef();
            var reader = new ByteArrayDataInput(buffer);
            lucene.Decompress(reader, input.Length, 0, input.Length, whole);
            Assert.Equal(input, whole.Bytes.AsSpan(whole.Offset, whole.Length).ToArray());
            Assert.Equal(end, reader.Position);
            Assert.Equal(0x5EED, reader.ReadInt32());

            for (var i = 0; i < 5 && input.Length > 0; i++)
            {
                var offset = random.Next(input.Length);
                var length = random.Next(input.Length - offset + 1);
                var part = new BytesRef();
                lucene.Decompress(new ByteArrayDataInput(buffer), input.Length, offset, length, part);
                Assert.Equal(input.AsSpan(offset, length).ToArray(), part.Bytes.AsSpan(part.Offset, part.Length).ToArray());
            }
        }
    }

    [Fact]
    public void AnIndexWrittenWithIt_IsLuceneFourSix_ReadableByTheStockStoredFieldsFormat_AndMergesKeepEveryArticle()
    {
        var folder = Path.Combine(Path.GetTempPath(), "innovationsfr-format-" + Guid.NewGuid().ToString("N"));
        try
        {
            var bodies = Enumerable.Range(0, 300).Select(i => $"Article {i} : la start-up numéro {i} lève {i * 7} millions d'euros. " + new string('x', i % 50)).ToList();
            using (var directory = new MappedDirectory(folder))
            {
                // As the service writes: no compound files, so the stored-fields files can be opened on their own.
                var config = new IndexWriterConfig(FrenchAnalysis.Version, FrenchAnalysis.Stemmed) { Codec = IndexFormat.Codec, UseCompoundFile = false };
                using var writer = new IndexWriter(directory, config);
                for (var i = 0; i < bodies.Count; i++)
                {
                    writer.AddDocument(new Document { new StringField("id", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES), new StoredField("body", bodies[i]) });
                    if (i % 100 == 99)
                    {
                        writer.Commit();
                    }
                }

                writer.DeleteDocuments(new Term("id", "5"));
                writer.Commit();
            }

            // Reopened from disk: Lucene resolves the segments' codec by name, and finds this one.
            Assert.IsType<IndexFormat>(Codec.ForName("Lucene46"));
            using (var directory = new MappedDirectory(folder))
            {
                using (var reader = DirectoryReader.Open(directory))
                {
                    Assert.Equal(3, reader.Leaves.Count);
                    var stock = new Lucene41StoredFieldsFormat();
                    foreach (var leaf in reader.Leaves)
                    {
                        var segment = (SegmentReader)leaf.Reader;
                        Assert.Equal("Lucene46", segment.SegmentInfo.Info.Codec.Name);
                        Assert.IsType<IndexFormat>(segment.SegmentInfo.Info.Codec);
                        using var fields = stock.FieldsReader(directory, segment.SegmentInfo.Info, segment.FieldInfos, IOContext.DEFAULT);
                        for (var doc = 0; doc < segment.MaxDoc; doc++)
                        {
                            var visitor = new DocumentStoredFieldVisitor();
                            fields.VisitDocument(doc, visitor);
                            var id = int.Parse(visitor.Document.Get("id"), System.Globalization.CultureInfo.InvariantCulture);
                            Assert.Equal(bodies[id], visitor.Document.Get("body"));
                        }
                    }
                }

                var config = new IndexWriterConfig(FrenchAnalysis.Version, FrenchAnalysis.Stemmed) { Codec = IndexFormat.Codec, OpenMode = OpenMode.APPEND };
                using (var writer = new IndexWriter(directory, config))
                {
                    writer.ForceMerge(1);
                }

                using (var merged = DirectoryReader.Open(directory))
                {
                    Assert.Single(merged.Leaves);
                    Assert.Equal(bodies.Count - 1, merged.NumDocs);
                    var seen = new HashSet<int>();
                    for (var doc = 0; doc < merged.MaxDoc; doc++)
                    {
                        var stored = merged.Document(doc);
                        var id = int.Parse(stored.Get("id"), System.Globalization.CultureInfo.InvariantCulture);
                        Assert.Equal(bodies[id], stored.Get("body"));
                        seen.Add(id);
                    }

                    Assert.DoesNotContain(5, seen);
                    Assert.Equal(bodies.Count - 1, seen.Count);
                }
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }
    }
}
