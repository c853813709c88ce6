using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// Lower-cases each token like Lucene's LowerCaseFilter (invariant culture, per code point), with an
/// ASCII fast path and a table for the rest of the Basic Multilingual Plane's first 8,192 characters
/// (Latin with its accents, Greek, Cyrillic): Lucene.Net's filter goes through TextInfo for every
/// character, which cost about 40 % of the analysis chain's time when indexing French articles, and
/// after the ASCII fast path the accented letters of French words still cost a tenth of an upsert.
/// </summary>
internal sealed class FastLowerCaseFilter : TokenFilter
{
    private const int TableSize = 0x2000;

    /// <summary>char.ToLowerInvariant of every character below <see cref="TableSize"/>, computed once.</summary>
    private static readonly char[] Lower = Enumerable.Range(0, TableSize).Select(c => char.ToLowerInvariant((char)c)).ToArray();

    private readonly ICharTermAttribute _term;

    public FastLowerCaseFilter(TokenStream input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }

        var buffer = _term.Buffer;
        var length = _term.Length;
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (c < 128)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    buffer[i] = (char)(c + 32);
                }
            }
            else if (char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(buffer[i + 1]))
            {
                // Outside the BMP (a few scripts' capitals): lower-case the code point; it keeps its length.
                var lower = System.Text.Rune.ToLowerInvariant(new System.Text.Rune(c, buffer[i + 1]));
                if (lower.Utf16SequenceLength == 2)
                {
                    lower.EncodeToUtf16(buffer.AsSpan(i, 2));
                }

                i++;
            }
            else
            {
                buffer[i] = c < TableSize ? Lower[c] : char.ToLowerInvariant(c);
            }
        }

        return true;
    }
}
