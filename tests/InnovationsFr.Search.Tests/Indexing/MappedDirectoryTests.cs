using InnovationsFr.Search;
using Lucene.Net.Codecs;
using Lucene.Net.Store;

namespace InnovationsFr.Search.Tests.Indexing;

/// <summary>The memory-mapped index directory reads back what Lucene wrote, through clones and slices, and refuses to read past an end.</summary>
public sealed class MappedDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-mapped-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void ReadsBackEveryEncoding_ThroughClonesAndSlices()
    {
        using var directory = new MappedDirectory(_root);
        using (var output = directory.CreateOutput("data.bin", IOContext.DEFAULT))
        {
            output.WriteByte(7);
            output.WriteInt32(-123456789);
            output.WriteInt64(long.MinValue + 5);
            output.WriteVInt32(int.MaxValue);
            output.WriteVInt32(-1);
            output.WriteVInt64(long.MaxValue);
            output.WriteString("Élysée – l’IA");
            output.WriteBytes([1, 2, 3, 4, 5], 5);
        }

        using var input = directory.OpenInput("data.bin", IOContext.DEFAULT);
        Assert.Equal(7, input.ReadByte());
        var clone = (IndexInput)input.Clone();
        Assert.Equal(-123456789, input.ReadInt32());
        Assert.Equal(long.MinValue + 5, input.ReadInt64());
        Assert.Equal(int.MaxValue, input.ReadVInt32());
        Assert.Equal(-1, input.ReadVInt32());
        Assert.Equal(long.MaxValue, input.ReadVInt64());
        Assert.Equal("Élysée – l’IA", input.ReadString());
        var bytes = new byte[5];
        input.ReadBytes(bytes, 0, 5);
        Assert.Equal([1, 2, 3, 4, 5], bytes);
        Assert.Equal(input.Length, input.Position);
        Assert.Throws<EndOfStreamException>(() => input.ReadByte());

        // The clone kept its own position.
        Assert.Equal(1, clone.Position);
        Assert.Equal(-123456789, clone.ReadInt32());

        using var slicer = directory.CreateSlicer("data.bin", IOContext.DEFAULT);
        using var slice = slicer.OpenSlice("ints", 1, 12);
        Assert.Equal(12, slice.Length);
        Assert.Equal(-123456789, slice.ReadInt32());
        Assert.Equal(long.MinValue + 5, slice.ReadInt64());
        Assert.Throws<EndOfStreamException>(() => slice.ReadByte());
        Assert.Throws<EndOfStreamException>(() => slice.Seek(13));
        Assert.Throws<ArgumentException>(() => slicer.OpenSlice("outside", 10, input.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomReadsAndSeeks_GiveWhatLucenesMMapAndNioDirectoriesGive(int seed)
    {
        // Random files (empty, small, and over MMapDirectory's chunk so its reads cross chunks), then
        // the same random program of seeks, clones, slices and reads of every width on our directory
        // and on Lucene's two: every value and every end-of-file must agree.
        var random = new Random(seed);
        var sizes = new[] { 0, 1, 7, 4_096, 100_003, (1 << 20) + 17 };
        System.IO.Directory.CreateDirectory(_root);
        foreach (var size in sizes)
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(_root, $"f{size}.bin"), bytes);
        }

        using var ours = new MappedDirectory(_root);
        // A 64 KB chunk for MMapDirectory: the megabyte file spans 17 chunks.
        using var mmap = new MMapDirectory(new DirectoryInfo(_root), null, 1 << 16);
        using var nio = new NIOFSDirectory(new DirectoryInfo(_root));
        foreach (var size in sizes)
        {
            var name = $"f{size}.bin";
            var program = random.Next();
            var expected = Trace(mmap, name, program);
            Assert.Equal(expected, Trace(nio, name, program));
            Assert.Equal(expected, Trace(ours, name, program));
        }
    }

    /// <summary>What a random program of reads gives on a directory's input: the values read, in order, and "EOF" where a read passed the end.</summary>
    private static List<string> Trace(Lucene.Net.Store.Directory directory, string name, int seed)
    {
        var random = new Random(seed);
        var trace = new List<string>();
        using var input = directory.OpenInput(name, IOContext.DEFAULT);
        var length = input.Length;
        trace.Add("length " + length);
        var current = input;
        var clones = new List<IndexInput> { input };
        for (var step = 0; step < 400; step++)
        {
            try
            {
                switch (random.Next(9))
                {
                    case 0:
                        current.Seek(length == 0 ? 0 : random.NextInt64(length + 1));
                        trace.Add("seek " + current.Position);
                        break;
                    case 1:
                        trace.Add("byte " + current.ReadByte());
                        break;
                    case 2:
                        trace.Add("short " + current.ReadInt16());
                        break;
                    case 3:
                        trace.Add("int " + current.ReadInt32());
                        break;
                    case 4:
                        trace.Add("long " + current.ReadInt64());
                        break;
                    case 5:
                        var buffer = new byte[random.Next(1, 70_000)];
                        current.ReadBytes(buffer, 0, buffer.Length);
                        trace.Add("bytes " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(buffer)));
                        break;
                    case 6:
                        current = (IndexInput)current.Clone();
                        clones.Add(current);
                        trace.Add("clone at " + current.Position);
                        break;
                    case 7:
                        current = clones[random.Next(clones.Count)];
                        trace.Add("switch to one at " + current.Position);
                        break;
                    default:
                        trace.Add("vint " + current.ReadVInt32());
                        break;
                }
            }
            catch (EndOfStreamException)
            {
                trace.Add("EOF");
                current.Seek(0);
            }
            catch (IOException e) when (e.GetType() == typeof(IOException))
            {
                // A corrupt variable-length integer in random bytes: Lucene's readers say so too.
                trace.Add("corrupt");
                current.Seek(0);
            }
        }

        return trace;
    }

    [Fact]
    public void AnEmptyFile_OpensWithNothingToRead()
    {
        using var directory = new MappedDirectory(_root);
        directory.CreateOutput("empty.bin", IOContext.DEFAULT).Dispose();
        using var input = directory.OpenInput("empty.bin", IOContext.DEFAULT);
        Assert.Equal(0, input.Length);
        Assert.Throws<EndOfStreamException>(() => input.ReadByte());
    }

    [Fact]
    public void WrittenFiles_HoldTheBytesAndTheChecksumsLucenesOwnOutputGives_AcrossBufferEnds()
    {
        using var directory = new MappedDirectory(_root);
        using var reference = new RAMDirectory();
        var random = new Random(29);
        using (var output = directory.CreateOutput("written.bin", IOContext.DEFAULT))
        using (var expected = reference.CreateOutput("written.bin", IOContext.DEFAULT))
        {
            foreach (var target in new[] { output, expected })
            {
                CodecUtil.WriteHeader(target, "written", 1);
            }

            for (var step = 0; step < 400; step++)
            {
                // Single bytes, small and large arrays (past the 64 KB buffer), numbers: across buffer ends.
                var kind = random.Next(4);
                var bytes = new byte[kind switch { 0 => 1, 1 => random.Next(1, 300), 2 => random.Next(1, 70_000), _ => 200_000 }];
                random.NextBytes(bytes);
                var number = random.NextInt64();
                foreach (var target in new[] { output, expected })
                {
                    if (kind == 0)
                    {
                        target.WriteByte(bytes[0]);
                    }
                    else if (kind == 3 && step % 10 != 0)
                    {
                        target.WriteVInt64(number & long.MaxValue);
                        target.WriteInt32((int)number);
                    }
                    else
                    {
                        target.WriteBytes(bytes, 0, bytes.Length);
                    }
                }

                if (step % 7 == 0)
                {
                    Assert.Equal(expected.Position, output.Position);
                    Assert.Equal(expected.Checksum, output.Checksum);
                }
            }

            Assert.Equal(expected.Checksum, output.Checksum);
            foreach (var target in new[] { output, expected })
            {
                CodecUtil.WriteFooter(target);
            }
        }

        using var written = directory.OpenInput("written.bin", IOContext.DEFAULT);
        using var wanted = reference.OpenInput("written.bin", IOContext.DEFAULT);
        Assert.Equal(wanted.Length, written.Length);
        var actualBytes = new byte[written.Length];
        var expectedBytes = new byte[wanted.Length];
        written.ReadBytes(actualBytes, 0, actualBytes.Length);
        wanted.ReadBytes(expectedBytes, 0, expectedBytes.Length);
        Assert.Equal(expectedBytes, actualBytes);
        // Lucene verifies the footer against the file's bytes, as before a merge.
        written.Seek(0);
        CodecUtil.ChecksumEntireFile(written);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
