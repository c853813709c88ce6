using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// Splits text into words like Lucene's <see cref="StandardTokenizer"/> (Unicode's word-break rules,
/// UAX #29, as Lucene 4.8 implements them): same tokens, offsets, position increments, types and
/// final offset — a test holds it to that. Text written only with the characters of French and
/// the other Latin languages (ASCII, Latin-1, Latin Extended-A, typographic quotes and dashes) is
/// split here with a table lookup a character; any other text goes to the StandardTokenizer. The
/// StandardTokenizer's generated state machine was a third of the French chain's time.
/// </summary>
internal sealed class LatinWordTokenizer : Tokenizer
{
    /// <summary>Lucene's default longest token: longer ones are dropped, their position kept.</summary>
    private const int MaxTokenLength = StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH;

    private static readonly string WordType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.ALPHANUM];
    private static readonly string NumberType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.NUM];

    /// <summary>Word-break classes (UAX #29) of the characters split here; <see cref="Other"/> for a character never in a word.</summary>
    private const byte Other = 0, Letter = 1, Digit = 2, MidLetter = 3, MidNumber = 4, MidBoth = 5, Connector = 6, Unknown = 7;

    private static readonly byte[] Classes = BuildClasses();

    /// <summary>The characters split here: a text with any other goes to the StandardTokenizer.</summary>
    private static readonly System.Buffers.SearchValues<char> Known = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, Classes.Length).Where(c => Classes[c] != Unknown).Select(c => (char)c).ToArray());

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _increment;
    private readonly ITypeAttribute _type;

    private const int MaxKeptChars = 1 << 16;

    private char[] _text = new char[4096];
    private int _length;
    private int _next;
    private int _skipped;

    // Text with other characters: Lucene's tokenizer, its attributes copied.
    private StandardTokenizer? _standard;
    private bool _useStandard;
    private ICharTermAttribute? _standardTerm;
    private IOffsetAttribute? _standardOffset;
    private IPositionIncrementAttribute? _standardIncrement;
    private ITypeAttribute? _standardType;

    public LatinWordTokenizer(TextReader input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        _length = 0;
        int read;
        while ((read = m_input.Read(_text, _length, _text.Length - _length)) > 0)
        {
            _length += read;
            if (_length == _text.Length)
            {
                Array.Resize(ref _text, _text.Length * 2);
            }
        }

        _next = 0;
        _skipped = 0;
        _useStandard = _text.AsSpan(0, _length).ContainsAnyExcept(Known);
        if (_useStandard)
        {
            StartStandard();
        }
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        if (_useStandard)
        {
            return NextStandard();
        }

        var text = _text;
        var length = _length;
        var i = _next;
        while (i < length)
        {
            // A word starts at a letter or digit, or at connectors ("_") right before one.
            var start = i;
            while (i < length && Classes[text[i]] == Connector)
            {
                i++;
            }

            if (i == length)
            {
                break;
            }

            var first = Classes[text[i]];
            if (first is not (Letter or Digit))
            {
                i++;
                continue;
            }

            var letters = false;
            var previous = first;
            while (true)
            {
                letters |= previous == Letter;
                i++;
                if (i == length)
                {
                    break;
                }

                var current = Classes[text[i]];
                if (current is Letter or Digit or Connector)
                {
                    previous = current;
                    continue;
                }

                // "l'IA", "a.b", "3,5", "3.5": a middle character between two letters or two digits.
                if (i + 1 < length &&
                    ((previous == Letter && current is MidLetter or MidBoth && Classes[text[i + 1]] == Letter) ||
                     (previous == Digit && current is MidNumber or MidBoth && Classes[text[i + 1]] == Digit)))
                {
                    i++;
                    continue;
                }

                break;
            }

            if (i - start > MaxTokenLength)
            {
                _skipped++;
                continue;
            }

            _next = i;
            _term.CopyBuffer(text, start, i - start);
            _offset.SetOffset(CorrectOffset(start), CorrectOffset(i));
            _increment.PositionIncrement = _skipped + 1;
            _skipped = 0;
            _type.Type = letters ? WordType : NumberType;
            return true;
        }

        _next = length;
        return false;
    }

    public override void End()
    {
        base.End();
        if (_useStandard)
        {
            _standard!.End();
            _offset.SetOffset(CorrectOffset(_standardOffset!.StartOffset), CorrectOffset(_standardOffset.EndOffset));
            _increment.PositionIncrement = _standardIncrement!.PositionIncrement;
            return;
        }

        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
        _increment.PositionIncrement += _skipped;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _useStandard)
        {
            _useStandard = false;
            _standard!.Dispose();
        }

        // This tokenizer stays with its thread: a very long text's buffer is not kept.
        if (disposing && _text.Length > MaxKeptChars)
        {
            _text = new char[4096];
        }

        base.Dispose(disposing);
    }

    private void StartStandard()
    {
        if (_standard == null)
        {
            _standard = new StandardTokenizer(FrenchAnalysis.Version, TextReader.Null);
            _standardTerm = _standard.AddAttribute<ICharTermAttribute>();
            _standardOffset = _standard.AddAttribute<IOffsetAttribute>();
            _standardIncrement = _standard.AddAttribute<IPositionIncrementAttribute>();
            _standardType = _standard.AddAttribute<ITypeAttribute>();
        }

        _standard.SetReader(new StringReader(new string(_text, 0, _length)));
        _standard.Reset();
    }

    private bool NextStandard()
    {
        if (!_standard!.IncrementToken())
        {
            return false;
        }

        _term.CopyBuffer(_standardTerm!.Buffer, 0, _standardTerm.Length);
        _offset.SetOffset(CorrectOffset(_standardOffset!.StartOffset), CorrectOffset(_standardOffset.EndOffset));
        _increment.PositionIncrement = _standardIncrement!.PositionIncrement;
        _type.Type = _standardType!.Type;
        return true;
    }

    private static byte[] BuildClasses()
    {
        var classes = new byte[0x2030];
        classes.AsSpan().Fill(Unknown);
        for (var c = 0; c < 0x80; c++)
        {
            classes[c] = c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => Letter,
                >= '0' and <= '9' => Digit,
                ':' => MidLetter,
                ',' or ';' => MidNumber,
                '.' or '\'' => MidBoth,
                '_' => Connector,
                _ => Other,
            };
        }

        // Latin-1: letters but × and ÷; no-break space, « », ° and other signs; the middle dot joins letters.
        for (var c = 0xC0; c <= 0xFF; c++)
        {
            classes[c] = c is 0xD7 or 0xF7 ? Other : Letter;
        }

        foreach (var c in "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f\u00a0¡¢£¤¥¦§©«¬®°±¶»¿")
        {
            classes[c] = Other;
        }

        classes['·'] = MidLetter;

        // Latin Extended-A (œ, Œ, ŀ …): letters.
        for (var c = 0x100; c <= 0x17F; c++)
        {
            classes[c] = Letter;
        }

        // Typographic quotes join like the apostrophe; dashes, ellipsis, double quotes and the narrow no-break space split.
        classes['\u2018'] = MidBoth;
        classes['\u2019'] = MidBoth;
        foreach (var c in "\u2013\u2014\u2026\u201c\u201d\u202f")
        {
            classes[c] = Other;
        }

        return classes;
    }
}
