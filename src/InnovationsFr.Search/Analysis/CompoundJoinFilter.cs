using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace InnovationsFr.Search;

/// <summary>
/// Joins a known compound that the tokenizer split ("start-up" → [start, up]) back into one token
/// ("startup"), when its two halves stand one character apart in the text. Runs after lower-casing;
/// the second half matches with or without accents and with a plural s. A token filter rather than
/// a char filter: Lucene's MappingCharFilter cost more than the rest of the chain put together.
/// </summary>
internal sealed class CompoundJoinFilter : TokenFilter
{
    // Looked up by the term's characters: a string per token cost a fifth of the chain.
    private readonly Dictionary<string, (string Second, string Joined)[]>.AlternateLookup<ReadOnlySpan<char>> _compounds;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private State? _pending;
    private bool _exhausted;

    /// <summary>Joins the compounds of <paramref name="compounds"/> (from <see cref="Load"/>, ordinal keys) in <paramref name="input"/>.</summary>
    public CompoundJoinFilter(TokenStream input, Dictionary<string, (string Second, string Joined)[]> compounds)
        : base(input)
    {
        _compounds = compounds.GetAlternateLookup<ReadOnlySpan<char>>();
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_pending != null)
        {
            RestoreState(_pending);
            _pending = null;
        }
        else if (_exhausted || !m_input.IncrementToken())
        {
            _exhausted = true;
            return false;
        }

        if (!_compounds.TryGetValue(_term.Buffer.AsSpan(0, _term.Length), out var seconds))
        {
            return true;
        }

        var first = CaptureState();
        var start = _offset.StartOffset;
        var end = _offset.EndOffset;
        if (!m_input.IncrementToken())
        {
            _exhausted = true;
            RestoreState(first);
            return true;
        }

        if (_offset.StartOffset == end + 1)
        {
            var second = Fold(_term.ToString());
            foreach (var (half, joined) in seconds)
            {
                var plural = second.Length == half.Length + 1 && second[^1] is 's' or 'x';
                if (second == half || (plural && second.StartsWith(half, StringComparison.Ordinal)))
                {
                    var secondEnd = _offset.EndOffset;
                    RestoreState(first);
                    _term.SetEmpty().Append(plural ? joined + second[^1] : joined);
                    _offset.SetOffset(start, secondEnd);
                    return true;
                }
            }
        }

        _pending = CaptureState();
        RestoreState(first);
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _pending = null;
        _exhausted = false;
    }

    /// <summary>Reads "first-second => joined" lines into a lookup by first half (lower case; second half folded).</summary>
    public static Dictionary<string, (string Second, string Joined)[]> Load(TextReader reader)
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
}
