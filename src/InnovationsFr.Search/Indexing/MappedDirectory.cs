using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Lucene.Net.Store;

namespace InnovationsFr.Search;

/// <summary>
/// An index folder read through memory maps, like Lucene.Net's MMapDirectory but without its
/// clone tracking. Lucene clones an input for every term lookup and postings list of every segment
/// a search reads (hundreds a search); Lucene.Net 4.8.0-beta00017 registers each clone in a weak
/// table so that closing the file can poison it, and measured on the 100k index that cost more
/// than a tenth of a search's CPU, a busy finalizer thread, and weak tables that keep growing
/// (the slow live-heap rise of the soak). Here a clone is a copy of three fields. A file's mapping
/// is released by the garbage collector once no input or clone of it is left, so a late read can
/// never touch unmapped memory: the price is that a deleted file's pages are returned at that
/// collection rather than at close. New files are written through <see cref="FileOutput"/> (a
/// checksum computed a buffer at a time); listing, deletes, sync and locks are FSDirectory's.
/// </summary>
internal sealed class MappedDirectory(string path) : FSDirectory(new DirectoryInfo(path), null)
{
    // Lucene finds a segment's codec by the name written in it: ours is registered before any index is read.
    static MappedDirectory() => _ = IndexFormat.Codec;

    public override IndexInput OpenInput(string name, IOContext context)
    {
        EnsureOpen();
        var file = Path.Combine(Directory.FullName, name);
        var map = FileMap.Open(file);
        return new MappedInput($"MappedInput(path=\"{file}\")", map, 0, map.Length);
    }

    public override IndexOutput CreateOutput(string name, IOContext context)
    {
        EnsureOpen();
        EnsureCanWrite(name);
        return new FileOutput(Path.Combine(Directory.FullName, name));
    }

    public override IndexInputSlicer CreateSlicer(string name, IOContext context)
    {
        EnsureOpen();
        var file = Path.Combine(Directory.FullName, name);
        return new Slicer(file, FileMap.Open(file));
    }

    /// <summary>Slices of one mapped file (the parts of a compound file).</summary>
    private sealed class Slicer(string file, FileMap map) : IndexInputSlicer
    {
        public override IndexInput OpenSlice(string sliceDescription, long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > map.Length)
            {
                throw new ArgumentException($"slice {sliceDescription} [{offset}, {offset + length}) is outside {file} ({map.Length} bytes)");
            }

            return new MappedInput($"MappedInput(path=\"{file}\" slice={sliceDescription})", map, offset, length);
        }

        [Obsolete("Only for reading CFS files from 3.x indexes.")]
        public override IndexInput OpenFullSlice() => OpenSlice("full-slice", 0, map.Length);

        protected override void Dispose(bool disposing)
        {
        }
    }
}

/// <summary>
/// A new index file, written through a 64 KB buffer, its CRC-32 (the checksum Lucene writes in each
/// file's footer and verifies before merging) computed a buffer at a time with the vectorized
/// System.IO.Hashing. Lucene.Net's FSDirectory output updated its CRC a byte at a time through a
/// table, and wrote each byte through the FileStream's own buffer: 2–3 % of the CPU of a bulk load.
/// Like it, closing the file flushes it to disk (a commit's files are durable once written).
/// </summary>
internal sealed class FileOutput : IndexOutput
{
    private readonly FileStream _file;
    private readonly System.IO.Hashing.Crc32 _crc = new();
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _count;
    private int _summed;
    private long _written;
    private bool _closed;

    public FileOutput(string path)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    public override long Position => _written + _count;

    public override long Length => Position;

    public override long Checksum
    {
        get
        {
            Sum();
            return _crc.GetCurrentHashAsUInt32();
        }
    }

    public override void WriteByte(byte b)
    {
        if (_count == _buffer.Length)
        {
            FlushBuffer();
        }

        _buffer[_count++] = b;
    }

    public override void WriteBytes(byte[] b, int offset, int length)
    {
        if (length <= _buffer.Length - _count)
        {
            Buffer.BlockCopy(b, offset, _buffer, _count, length);
            _count += length;
            return;
        }

        FlushBuffer();
        if (length < _buffer.Length)
        {
            Buffer.BlockCopy(b, offset, _buffer, 0, length);
            _count = length;
            return;
        }

        var bytes = b.AsSpan(offset, length);
        _crc.Append(bytes);
        _file.Write(bytes);
        _written += length;
    }

    public override void Flush()
    {
        FlushBuffer();
        _file.Flush();
    }

    [Obsolete("Only for Lucene 3.x formats; Lucene 4 writes files once, in order.")]
    public override void Seek(long pos) => throw new NotSupportedException("index files are written once, in order");

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _closed)
        {
            return;
        }

        _closed = true;
        try
        {
            FlushBuffer();
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>Adds the buffered bytes not yet in the checksum.</summary>
    private void Sum()
    {
        _crc.Append(_buffer.AsSpan(_summed, _count - _summed));
        _summed = _count;
    }

    private void FlushBuffer()
    {
        if (_count == 0)
        {
            return;
        }

        Sum();
        _file.Write(_buffer, 0, _count);
        _written += _count;
        _count = 0;
        _summed = 0;
    }
}

/// <summary>
/// A whole file mapped read-only. The file handle is closed at once (the mapping outlives it); the
/// mapping is released when this object is collected, that is when no input reading it is left.
/// </summary>
internal sealed unsafe class FileMap
{
    private readonly MemoryMappedViewAccessor? _view;

    private FileMap(MemoryMappedViewAccessor? view, byte* start, long length)
    {
        _view = view;
        Start = start;
        Length = length;
    }

    ~FileMap()
    {
        _view?.SafeMemoryMappedViewHandle.ReleasePointer();
    }

    public byte* Start { get; }

    public long Length { get; }

    public static FileMap Open(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length;
        if (length == 0)
        {
            return new FileMap(null, null, 0);
        }

        using var mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = mapping.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        return new FileMap(view, start + view.PointerOffset, length);
    }
}

/// <summary>A file, or a slice of one, read straight from its mapping (big-endian, as Lucene writes).</summary>
internal sealed unsafe class MappedInput : IndexInput
{
    private readonly FileMap _map;
    private readonly byte* _start;
    private readonly long _length;
    private long _position;

    public MappedInput(string description, FileMap map, long offset, long length)
        : base(description)
    {
        _map = map;
        _start = map.Start + offset;
        _length = length;
    }

    public override long Length => _length;

    public override long Position => _position;

    public override void Seek(long pos)
    {
        if (pos < 0 || pos > _length)
        {
            throw new EndOfStreamException($"seek to {pos} past the end of {this} ({_length} bytes)");
        }

        _position = pos;
    }

    public override byte ReadByte()
    {
        if (_position >= _length)
        {
            throw new EndOfStreamException($"read past the end of {this}");
        }

        var b = _start[_position++];
        GC.KeepAlive(_map);
        return b;
    }

    public override void ReadBytes(byte[] b, int offset, int len)
    {
        Span(len).CopyTo(b.AsSpan(offset, len));
        _position += len;
        GC.KeepAlive(_map);
    }

    public override short ReadInt16()
    {
        var value = BinaryPrimitives.ReadInt16BigEndian(Span(2));
        _position += 2;
        return value;
    }

    public override int ReadInt32()
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(Span(4));
        _position += 4;
        return value;
    }

    public override long ReadInt64()
    {
        var value = BinaryPrimitives.ReadInt64BigEndian(Span(8));
        _position += 8;
        return value;
    }

    public override int ReadVInt32()
    {
        if (_length - _position < 5)
        {
            return base.ReadVInt32();
        }

        var p = _start + _position;
        int b = p[0];
        var value = b & 0x7F;
        var read = 1;
        for (var shift = 7; (b & 0x80) != 0; shift += 7)
        {
            if (read == 5)
            {
                throw new IOException($"invalid vInt in {this}");
            }

            b = p[read++];
            value |= (b & 0x7F) << shift;
        }

        if (read == 5 && (b & 0xF0) != 0)
        {
            throw new IOException($"invalid vInt in {this}");
        }

        _position += read;
        GC.KeepAlive(_map);
        return value;
    }

    public override long ReadVInt64()
    {
        if (_length - _position < 9)
        {
            return base.ReadVInt64();
        }

        var p = _start + _position;
        long b = p[0];
        var value = b & 0x7F;
        var read = 1;
        for (var shift = 7; (b & 0x80) != 0; shift += 7)
        {
            if (read == 9)
            {
                throw new IOException($"invalid vLong in {this}");
            }

            b = p[read++];
            value |= (b & 0x7F) << shift;
        }

        _position += read;
        GC.KeepAlive(_map);
        return value;
    }

    public override void SkipBytes(long numBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numBytes);
        Seek(_position + numBytes);
    }

    public override object Clone() => MemberwiseClone();

    /// <summary>Nothing to do: the mapping goes when the last input reading it is collected.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    private ReadOnlySpan<byte> Span(int count)
    {
        if (count < 0 || count > _length - _position)
        {
            throw new EndOfStreamException($"read of {count} bytes past the end of {this}");
        }

        return new ReadOnlySpan<byte>(_start + _position, count);
    }
}
