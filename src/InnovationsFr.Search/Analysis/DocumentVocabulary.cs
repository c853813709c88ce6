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

    /// <summary>Words already seen on this thread, reused (a site's vocabulary is bounded).</summary>
    private const int MaxKnown = 20_000;

    // One lookup a token: a known word remembers the last document that took it.
    private readonly Dictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Known>.AlternateLookup<ReadOnlySpan<char>> _knownLookup;
    private readonly List<string> _words = [];

    // Words of this document past the known ones' limit.
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private int _document;
    private bool _open;

    private DocumentVocabulary()
    {
        _knownLookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static DocumentVocabulary Current => t_current ??= new DocumentVocabulary();

    /// <summary>Starts collecting a document's words on this thread; returns the stream that gives them to its vocabulary field.</summary>
    public static TokenStream Begin()
    {
        var current = Current;
        current._words.Clear();
        current._unknown.Clear();
        current._document++;
        current._open = true;
        return new WordStream(current);
    }

    private void Add(ReadOnlySpan<char> word)
    {
        if (!_knownLookup.TryGetValue(word, out var known))
        {
            var text = new string(word);
            if (_known.Count >= MaxKnown)
            {
                if (_unknown.Add(text))
                {
                    _words.Add(text);
                }

                return;
            }

            _known.Add(text, known = new Known(text));
        }

        if (known.Document != _document)
        {
            known.Document = _document;
            _words.Add(known.Text);
        }
    }

    private string[] Take()
    {
        _open = false;
        var words = _words.ToArray();
        _words.Clear();
        return words;
    }

    private sealed class Known(string text)
    {
        public string Text { get; } = text;

        public int Document { get; set; }
    }

    /// <summary>
    /// Notes a word for the document being indexed on this thread (called by the stemmed chain
    /// after the stop words, where its tokens are what the exact chain gives); nothing when no
    /// document is being collected.
    /// </summary>
    internal static void Note(ReadOnlySpan<char> word)
    {
        if (t_current is { _open: true } vocabulary)
        {
            vocabulary.Add(word);
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
