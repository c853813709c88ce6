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

    // This document's words, each once: their characters one after the other, and an open-addressing
    // table of their numbers (+1) by hash. All of it stays in the cache; a dictionary of the words
    // seen on the thread, kept across documents to reuse their strings, had a cache miss a token.
    private char[] _chars = new char[4096];
    private int _used;
    private int[] _starts = new int[256];
    private int[] _lengths = new int[256];
    private int _count;
    private int[] _table = new int[512];
    private bool _open;
    private WordStream? _stream;

    private static DocumentVocabulary Current => t_current ??= new DocumentVocabulary();

    /// <summary>Starts collecting a document's words on this thread; returns the stream that gives them to its vocabulary field.</summary>
    public static TokenStream Begin()
    {
        var current = Current;
        if (current._table.Length > 1 << 14)
        {
            // It stays with its thread: what a document of very many words grew is not kept.
            t_current = current = new DocumentVocabulary();
        }

        current._used = 0;
        current._count = 0;
        Array.Clear(current._table);
        current._open = true;
        // One stream a thread, like the vocabulary: building one (its attribute maps) for every article cost more than its words.
        return current._stream ??= new WordStream(current);
    }

    private void Add(ReadOnlySpan<char> word)
    {
        var mask = _table.Length - 1;
        var slot = string.GetHashCode(word) & mask;
        int entry;
        while ((entry = _table[slot]) != 0)
        {
            if (word.SequenceEqual(_chars.AsSpan(_starts[entry - 1], _lengths[entry - 1])))
            {
                return;
            }

            slot = (slot + 1) & mask;
        }

        if (_used + word.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + word.Length));
        }

        if (_count == _starts.Length)
        {
            Array.Resize(ref _starts, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
        }

        word.CopyTo(_chars.AsSpan(_used));
        _starts[_count] = _used;
        _lengths[_count] = word.Length;
        _used += word.Length;
        _table[slot] = ++_count;
        if (_count * 2 > _table.Length)
        {
            Rehash();
        }
    }

    private void Rehash()
    {
        _table = new int[_table.Length * 2];
        var mask = _table.Length - 1;
        for (var n = 0; n < _count; n++)
        {
            var slot = string.GetHashCode(_chars.AsSpan(_starts[n], _lengths[n])) & mask;
            while (_table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _table[slot] = n + 1;
        }
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
        private int _next;

        public WordStream(DocumentVocabulary vocabulary)
        {
            _vocabulary = vocabulary;
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override void Reset()
        {
            base.Reset();
            _vocabulary._open = false;
            _next = 0;
        }

        public override bool IncrementToken()
        {
            if (_next >= _vocabulary._count)
            {
                return false;
            }

            ClearAttributes();
            _term.CopyBuffer(_vocabulary._chars, _vocabulary._starts[_next], _vocabulary._lengths[_next]);
            _next++;
            return true;
        }
    }
}
