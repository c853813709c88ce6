using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// The words of the document being indexed on this thread, for its vocabulary field
/// (<see cref="ArticleDocument.Words"/>): the exact forms (lower case, accents kept, not stemmed)
/// that the stemmed chain of its title, summary and body lead passes through before folding and
/// stemming, which is what the exact chain would give. Analysing that text a second time through
/// the exact chain cost a tenth of an article's indexing.
/// It works because one thread indexes one document at a time, and Lucene.Net inverts a document's
/// fields in the ordinal order of their names: "body", "summary" and "title" before "words".
/// </summary>
internal sealed class DocumentVocabulary
{
    [ThreadStatic]
    private static DocumentVocabulary? t_current;

    /// <summary>Strings of words already seen on this thread, reused (a site's vocabulary is bounded).</summary>
    private const int MaxKnown = 20_000;

    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _knownLookup;
    private readonly HashSet<string> _words = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wordsLookup;
    private bool _open;

    private DocumentVocabulary()
    {
        _knownLookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();
        _wordsLookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static DocumentVocabulary Current => t_current ??= new DocumentVocabulary();

    /// <summary>Starts collecting a document's words on this thread; returns the stream that gives them to its vocabulary field.</summary>
    public static TokenStream Begin()
    {
        var current = Current;
        current._words.Clear();
        current._open = true;
        return new WordStream(current);
    }

    private void Add(ReadOnlySpan<char> word)
    {
        if (!_open || _wordsLookup.Contains(word))
        {
            return;
        }

        if (!_knownLookup.TryGetValue(word, out var known))
        {
            known = new string(word);
            if (_known.Count < MaxKnown)
            {
                _known.Add(known);
            }
        }

        _words.Add(known);
    }

    private string[] Take()
    {
        _open = false;
        var words = _words.ToArray();
        _words.Clear();
        return words;
    }

    /// <summary>Placed after the stop words in the stemmed chain: passes every token on, and notes the ones that end within the first <paramref name="chars"/> characters.</summary>
    internal sealed class Tee(TokenStream input, int chars) : TokenFilter(input)
    {
        private readonly ICharTermAttribute _term = input.AddAttribute<ICharTermAttribute>();
        private readonly IOffsetAttribute _offset = input.AddAttribute<IOffsetAttribute>();

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            var vocabulary = t_current;
            if (vocabulary is { _open: true } && _offset.EndOffset <= chars)
            {
                vocabulary.Add(_term.Buffer.AsSpan(0, _term.Length));
            }

            return true;
        }
    }

    /// <summary>The collected words, each once, read when the vocabulary field is inverted (after the fields that feed it).</summary>
    private sealed class WordStream : TokenStream
    {
        private readonly DocumentVocabulary _vocabulary;
        private readonly ICharTermAttribute _term;
        private string[] _words = [];
        private int _next;

        public WordStream(DocumentVocabulary vocabulary)
        {
            _vocabulary = vocabulary;
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override void Reset()
        {
            base.Reset();
            _words = _vocabulary.Take();
            _next = 0;
        }

        public override bool IncrementToken()
        {
            if (_next >= _words.Length)
            {
                return false;
            }

            ClearAttributes();
            _term.SetEmpty().Append(_words[_next++]);
            return true;
        }
    }
}
