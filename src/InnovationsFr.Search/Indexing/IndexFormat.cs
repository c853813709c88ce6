using K4os.Compression.LZ4;
using Lucene.Net.Codecs;
using Lucene.Net.Codecs.Compressing;
using Lucene.Net.Codecs.Lucene46;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace InnovationsFr.Search;

/// <summary>
/// The codec of every index this engine writes and reads: Lucene 4.6's format, byte for byte, with
/// its stored fields (the articles' text, 16 KB chunks in the LZ4 block format) compressed by the
/// K4os LZ4 encoder instead of Lucene.Net's port of Lucene's (that port's compressor took about 6 % of
/// the CPU of a bulk load). Decompression stays Lucene's own, so what is written here is what a stock
/// Lucene 4.6 reader reads, and the indexes built before this codec open unchanged.
/// </summary>
/// <remarks>
/// It is registered under Lucene 4.6's name, process-wide (Lucene resolves a segment's codec by the name
/// written in it), before any index is opened: segments read from disk then come back through the
/// same compression mode as the ones being written, which lets a merge copy their compressed chunks as they
/// are instead of decompressing and re-serializing every article.
/// </remarks>
[CodecName("Lucene46")]
internal sealed class IndexFormat : FilterCodec
{
    private static readonly Lazy<Codec> Registered = new(() =>
    {
        Codec.SetCodecFactory(new DefaultCodecFactory { CustomCodecTypes = [typeof(IndexFormat)] });
        return Codec.ForName("Lucene46");
    });

    private readonly StoredFieldsFormat _storedFields = new CompressingStoredFieldsFormat("Lucene41StoredFields", FastLz4.Mode, 1 << 14);

    /// <summary>Used by Lucene's codec factory (through <see cref="Codec"/>), once.</summary>
    public IndexFormat()
        : base(new Lucene46Codec())
    {
    }

    /// <summary>The codec, registered for reading on first use: give it to every IndexWriterConfig.</summary>
    public static Codec Codec => Registered.Value;

    public override StoredFieldsFormat StoredFieldsFormat => _storedFields;

    /// <summary>LZ4 (the fast mode Lucene 4.1 stores fields with): K4os' encoder, Lucene's decoder.</summary>
    internal sealed class FastLz4 : CompressionMode
    {
        public static readonly CompressionMode Mode = new FastLz4();

        private FastLz4()
        {
        }

        public override Compressor NewCompressor() => new Lz4Compressor();

        public override Decompressor NewDecompressor() => FAST.NewDecompressor();
    }

    /// <summary>One per stored-fields writer (not thread-safe, like Lucene's): it keeps its output buffer.</summary>
    internal sealed class Lz4Compressor : Compressor
    {
        private byte[] _buffer = [];

        public override void Compress(byte[] bytes, int off, int len, DataOutput output)
        {
            if (len == 0)
            {
                // Lucene's decoder reads a token even for nothing: an empty run of literals.
                output.WriteByte(0);
                return;
            }

            var bound = LZ4Codec.MaximumOutputSize(len);
            if (_buffer.Length < bound)
            {
                _buffer = new byte[ArrayUtil.Oversize(bound, 1)];
            }

            var written = LZ4Codec.Encode(bytes.AsSpan(off, len), _buffer, LZ4Level.L00_FAST);
            if (written <= 0)
            {
                throw new InvalidOperationException($"LZ4 could not encode {len} bytes into {_buffer.Length}");
            }

            output.WriteBytes(_buffer, 0, written);
        }
    }
}
