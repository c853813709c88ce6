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
