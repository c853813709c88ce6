using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// Everything the French chain does after the standard tokenizer, in one pass over each token:
/// lower case → known compounds joined ("start-up" → startup) → elision (l' d' qu' … with ' or ’)
/// → stop words dropped (their positions kept as gaps) → the exact form noted for the document's
/// vocabulary → accent and ligature folding → French light stemming. The exact chain stops before
/// folding. It gives what Lucene's LowerCaseFilter, ElisionFilter, StopFilter, ASCIIFoldingFilter
/// and FrenchLightStemFilter give one after the other (a test holds it to that, token by token):
/// seven filters, each with its own call, attribute reads and set lookups per token, cost twice the
/// time of this one, a fifth of indexing an article.
/// Reads the term, offset, position increment and type that the tokenizer sets (and keeps them
/// for the token it reads ahead when a compound may follow).
/// </summary>
internal sealed class FrenchWordFilter : TokenFilter
{
    private const int LowerTableSize = 0x2000;

    /// <summary>char.ToLowerInvariant of every character below <see cref="LowerTableSize"/>: Lucene.Net's LowerCaseFilter went through TextInfo for every character.</summary>
    private static readonly char[] Lower = Enumerable.Range(0, LowerTableSize).Select(c => char.ToLowerInvariant((char)c)).ToArray();

    /// <summary>French stop words: Lucene's list, plus "a" and "à", which it lacks and which are the commonest words of French.</summary>
    internal static readonly HashSet<string> StopWords = [.. FrenchAnalyzer.DefaultStopSet, "a", "à"];

    private static readonly HashSet<string> Articles = [.. FrenchAnalyzer.DEFAULT_ARTICLES.Select(a => a.ToLowerInvariant())];

    private static readonly Dictionary<string, (string Second, string Joined)[]> Compounds = LoadCompounds();

    private static readonly int LongestStopWord = StopWords.Max(w => w.Length);

    /// <summary>For each length, a bit for each first character (its low 6 bits) of the compounds' first halves: most tokens need no lookup.</summary>
    private static readonly ulong[] CompoundStarts = StartMasks(Compounds.Keys);

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _stopWords = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _articles = Articles.GetAlternateLookup<ReadOnlySpan<char>>();
    private readonly Dictionary<string, (string Second, string Joined)[]>.AlternateLookup<ReadOnlySpan<char>> _compounds = Compounds.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _increment;
    private readonly ITypeAttribute _type;
    private readonly FrenchLightStemmer? _stemmer;
    private readonly int _vocabularyChars;

    // The token read ahead after a compound's possible first half, and the first half while it is read.
    private readonly Token _pending = new();
    private readonly Token _first = new();
    private bool _hasPending;
    private bool _exhausted;

    // Positions of the stop words dropped since the last token given (added to the next one, or at the end).
    private int _skipped;
    private char[] _folded = new char[64];

    /// <param name="input">The standard tokenizer.</param>
    /// <param name="stem">Fold and stem (the matching chain); false stops after the stop words (the exact chain).</param>
    /// <param name="vocabularyChars">When above 0, the exact forms of tokens that end within that many characters go to <see cref="DocumentVocabulary"/>.</param>
    public FrenchWordFilter(TokenStream input, bool stem, int vocabularyChars = 0)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _stemmer = stem ? new FrenchLightStemmer() : null;
        _vocabularyChars = vocabularyChars;
    }

    public override bool IncrementToken()
    {
        _skipped = 0;
        while (NextJoined())
        {
            var buffer = _term.Buffer;
            var length = _term.Length;
            var apostrophe = buffer.AsSpan(0, length).IndexOfAny('\'', '\u2019');
            if (apostrophe >= 0 && _articles.Contains(buffer.AsSpan(0, apostrophe)))
            {
                length -= apostrophe + 1;
                Array.Copy(buffer, apostrophe + 1, buffer, 0, length);
                _term.Length = length;
            }

            if (length <= LongestStopWord && _stopWords.Contains(buffer.AsSpan(0, length)))
            {
                _skipped += _increment.PositionIncrement;
                continue;
            }

            if (_vocabularyChars > 0 && _offset.EndOffset <= _vocabularyChars)
            {
                DocumentVocabulary.Note(buffer.AsSpan(0, length));
            }

            if (_stemmer != null)
            {
                if (buffer.AsSpan(0, length).ContainsAnyExceptInRange('\0', '\u007f'))
                {
                    if (_folded.Length < length * 4)
                    {
                        _folded = new char[length * 4];
                    }

                    length = ASCIIFoldingFilter.FoldToASCII(buffer, 0, _folded, 0, length);
                    _term.CopyBuffer(_folded, 0, length);
                    buffer = _term.Buffer;
                }

                _term.Length = _stemmer.Stem(buffer, length);
            }

            if (_skipped != 0)
            {
                _increment.PositionIncrement += _skipped;
            }

            return true;
        }

        return false;
    }

    public override void End()
    {
        base.End();
        _increment.PositionIncrement += _skipped;
    }

    public override void Reset()
    {
        base.Reset();
        _hasPending = false;
        _exhausted = false;
        _skipped = 0;
    }

    /// <summary>The next token, lower-cased, joined with the next one when the two spell a known compound.</summary>
    private bool NextJoined()
    {
        if (_hasPending)
        {
            _hasPending = false;
            _pending.Restore(this);
        }
        else if (_exhausted || !m_input.IncrementToken())
        {
            _exhausted = true;
            return false;
        }
        else
        {
            LowerCase();
        }

        var length = _term.Length;
        if (length >= CompoundStarts.Length || (CompoundStarts[length] & (1UL << (_term.Buffer[0] & 63))) == 0 ||
            !_compounds.TryGetValue(_term.Buffer.AsSpan(0, length), out var seconds))
        {
            return true;
        }

        _first.Capture(this);
        if (!m_input.IncrementToken())
        {
            _exhausted = true;
            _first.Restore(this);
            return true;
        }

        LowerCase();
        if (_offset.StartOffset == _first.End + 1)
        {
            var second = Fold(_term.ToString());
            foreach (var (half, joined) in seconds)
            {
                var plural = second.Length == half.Length + 1 && second[^1] is 's' or 'x';
                if (second == half || (plural && second.StartsWith(half, StringComparison.Ordinal)))
                {
                    var end = _offset.EndOffset;
                    _first.Restore(this);
                    _term.SetEmpty().Append(joined);
                    if (plural)
                    {
                        _term.Append(second[^1]);
                    }

                    _offset.SetOffset(_first.Start, end);
                    return true;
                }
            }
        }

        _pending.Capture(this);
        _hasPending = true;
        _first.Restore(this);
        return true;
    }

    /// <summary>Lower-cases the term like Lucene's LowerCaseFilter: invariant culture, per code point.</summary>
    private void LowerCase()
    {
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
                var lower = Rune.ToLowerInvariant(new Rune(c, buffer[i + 1]));
                if (lower.Utf16SequenceLength == 2)
                {
                    lower.EncodeToUtf16(buffer.AsSpan(i, 2));
                }

                i++;
            }
            else
            {
                buffer[i] = c < LowerTableSize ? Lower[c] : char.ToLowerInvariant(c);
            }
        }
    }

    private static ulong[] StartMasks(IEnumerable<string> words)
    {
        var masks = new ulong[words.Max(w => w.Length) + 1];
        foreach (var word in words)
        {
            masks[word.Length] |= 1UL << (word[0] & 63);
        }

        return masks;
    }

    /// <summary>Reads "first-second => joined" lines into a lookup by first half (lower case; second half folded).</summary>
    internal static Dictionary<string, (string Second, string Joined)[]> LoadCompounds(TextReader reader)
    {
        var pairs = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split("=>", 2, StringSplitOptions.TrimEntries);
            var halves = parts[0].Split('-', 2);
            if (parts.Length != 2 || halves.Length != 2 || halves[0].Length == 0 || halves[1].Length == 0 || parts[1].Length == 0)
            {
                throw new InvalidOperationException($"compounds.txt: bad line '{line}' (expected 'first-second => joined')");
            }

            var first = halves[0].ToLowerInvariant();
            if (!pairs.TryGetValue(first, out var list))
            {
                pairs[first] = list = [];
            }

            list.Add((Fold(halves[1].ToLowerInvariant()), parts[1].ToLowerInvariant()));
        }

        return pairs.ToDictionary(kv => kv.Key, kv => kv.Value.Distinct().ToArray(), StringComparer.Ordinal);
    }

    private static Dictionary<string, (string Second, string Joined)[]> LoadCompounds()
    {
        using var stream = typeof(FrenchWordFilter).Assembly.GetManifestResourceStream("compounds.txt")
            ?? throw new InvalidOperationException("compounds.txt is not embedded in the engine");
        using var reader = new StreamReader(stream);
        return LoadCompounds(reader);
    }

    private static string Fold(string s)
    {
        if (s.All(c => c < 128))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        foreach (var c in s.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>What the tokenizer set for one token, kept aside.</summary>
    private sealed class Token
    {
        private char[] _chars = new char[32];
        private int _length;
        private int _increment;
        private string _type = "";

        public int Start { get; private set; }

        public int End { get; private set; }

        public void Capture(FrenchWordFilter filter)
        {
            _length = filter._term.Length;
            if (_chars.Length < _length)
            {
                _chars = new char[_length];
            }

            Array.Copy(filter._term.Buffer, _chars, _length);
            Start = filter._offset.StartOffset;
            End = filter._offset.EndOffset;
            _increment = filter._increment.PositionIncrement;
            _type = filter._type.Type;
        }

        public void Restore(FrenchWordFilter filter)
        {
            filter._term.CopyBuffer(_chars, 0, _length);
            filter._offset.SetOffset(Start, End);
            filter._increment.PositionIncrement = _increment;
            filter._type.Type = _type;
        }
    }
}
