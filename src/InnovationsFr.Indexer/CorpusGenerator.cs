using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bogus;
using InnovationsFr.Search;

namespace InnovationsFr.Indexer;

/// <summary>
/// Writes synthetic French articles in the corpus format, deterministically for a seed, one line
/// at a time (a million articles never sit in memory). Words and tags are drawn with a Zipf law
/// from a shipped French vocabulary (topical nouns, verbs and tags frame each sentence; a lexicon of
/// about 2,000 word forms gives the long tail of real prose); a quarter of tag uses are messy variants (case, accents,
/// plural, hyphen) as editors type them; dates span ten years; bodies run 200 to 1,500 words.
/// </summary>
internal sealed class CorpusGenerator
{
    public const int MinBodyWords = 200;
    public const int MaxBodyWords = 1500;

    private static readonly string[] Rubrics =
    [
        "Technologies et Avenirs > Intelligence Artificielle",
        "Technologies et Avenirs > Semi-conducteurs",
        "Startups et Financement",
        "Cybersécurité",
        "Mobilité > Véhicules électriques",
        "Énergie et Climat",
        "Fintech et Banque",
        "Espace",
        "Défense et Secteur public",
    ];

    private static readonly DateTimeOffset Start = new(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Vocabulary _words = Vocabulary.Load();
    private readonly Randomizer _random;
    private readonly Zipf _nouns;
    private readonly Zipf _adjectives;
    private readonly Zipf _verbs;
    private readonly Zipf _links;
    private readonly Zipf _tags;
    private readonly Zipf _lexicon;
    private readonly string[] _authors;
    private readonly int _seed;

    public CorpusGenerator(int seed)
    {
        _seed = seed;
        _random = new Randomizer(seed);
        _nouns = new Zipf(_words.Nouns.Length, 1.0, _random);
        _adjectives = new Zipf(_words.Adjectives.Length, 0.9, _random);
        _verbs = new Zipf(_words.Verbs.Length, 0.9, _random);
        _links = new Zipf(_words.Links.Length, 0.8, _random);
        _tags = new Zipf(_words.Tags.Length, 1.1, _random);
        _lexicon = new Zipf(_words.Lexicon.Length, 1.0, _random);
        var faker = new Faker("fr") { Random = _random };
        _authors = Enumerable.Range(0, 40).Select(_ => faker.Name.FullName()).ToArray();
    }

    /// <summary>Writes <paramref name="count"/> articles to <paramref name="output"/>, one JSON object a line.</summary>
    public void Write(Stream output, long count, Action<long>? progress = null)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var buffer = new BufferedStream(output, 1 << 16);
        using var json = new Utf8JsonWriter(buffer, options);
        var body = new StringBuilder(16 * 1024);
        for (long i = 0; i < count; i++)
        {
            WriteArticle(json, i, body);
            json.Flush();
            json.Reset();
            buffer.WriteByte((byte)'\n');
            if ((i + 1) % 10_000 == 0)
            {
                progress?.Invoke(i + 1);
            }
        }

        buffer.Flush();
    }

    private void WriteArticle(Utf8JsonWriter json, long index, StringBuilder body)
    {
        var title = Capitalise(Sentence(6, 11, final: false));
        var published = Start.AddMinutes(_random.Number(0, 10 * 365 * 24 * 60));
        published = published.ToOffset(ParisTime.Zone.GetUtcOffset(published));
        body.Clear();
        var target = BodyWords();
        var words = 0;
        while (words < target)
        {
            var sentences = _random.Number(3, 6);
            for (var s = 0; s < sentences && words < target; s++)
            {
                var sentence = Sentence(10, 24, final: true);
                words += CountWords(sentence);
                body.Append(s == 0 ? "" : " ").Append(sentence);
            }

            body.Append("\n\n");
        }

        json.WriteStartObject();
        var id = string.Create(CultureInfo.InvariantCulture, $"gen-{_seed}-{index:D7}");
        json.WriteString("id", id);
        json.WriteString("slug", id);
        json.WriteString("url", $"https://innovationsfr.example/{id}/");
        json.WriteString("title", title);
        json.WriteString("summary", Sentence(14, 26, final: true));
        json.WriteString("body", body.ToString().TrimEnd());
        json.WriteString("author", _authors[_random.Number(0, _authors.Length - 1)]);
        json.WriteString("publishedAt", published.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        json.WriteString("rubric", Rubrics[_random.Number(0, Rubrics.Length - 1)]);
        json.WriteStartArray("tags");
        foreach (var tag in Tags())
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Skewed towards short pieces, as on a news site: median near 500 words.</summary>
    private int BodyWords()
    {
        var u = _random.Double();
        return MinBodyWords + (int)((MaxBodyWords - MinBodyWords) * u * u);
    }

    private IEnumerable<string> Tags()
    {
        var count = _random.Number(3, 12);
        var chosen = new HashSet<int>();
        for (var attempt = 0; chosen.Count < count && attempt < count * 4; attempt++)
        {
            var tag = _tags.Next();
            if (chosen.Add(tag))
            {
                yield return _random.Double() < 0.25 ? Variant(_words.Tags[tag]) : _words.Tags[tag];
            }
        }
    }

    /// <summary>The same tag as another editor would type it.</summary>
    private string Variant(string tag) => _random.Number(0, 4) switch
    {
        0 => tag.ToLowerInvariant(),
        1 => StripAccents(tag),
        2 => tag.EndsWith('s') ? tag : tag + "s",
        3 => tag.Contains('-', StringComparison.Ordinal) ? tag.Replace('-', ' ') : tag.Replace(' ', '-'),
        _ => CultureInfo.GetCultureInfo("fr-FR").TextInfo.ToTitleCase(tag.ToLowerInvariant()),
    };

    private string Sentence(int minWords, int maxWords, bool final)
    {
        var target = _random.Number(minWords, maxWords);
        var sb = new StringBuilder(target * 9);
        if (final && _random.Double() < 0.2)
        {
            sb.Append(_words.Openers[_random.Number(0, _words.Openers.Length - 1)]).Append(' ');
        }

        var words = 0;
        void Add(string s)
        {
            sb.Append(s).Append(' ');
            words += CountWords(s);
        }

        // A subject, a verb, then mostly the long tail of real prose, with a topical noun now and then.
        Add(_words.Nouns[_nouns.Next()]);
        Add(_words.Adjectives[_adjectives.Next()]);
        Add(_words.Verbs[_verbs.Next()]);
        while (words < target)
        {
            var roll = _random.Double();
            if (roll < 0.08)
            {
                Add(_words.Nouns[_nouns.Next()]);
            }
            else if (roll < 0.14)
            {
                Add(_words.Links[_links.Next()]);
            }
            else
            {
                Add(_words.Lexicon[_lexicon.Next()]);
            }
        }

        Add(_words.Nouns[_nouns.Next()]);
        sb.Length--;
        if (final)
        {
            sb.Append('.');
            return Capitalise(sb.ToString());
        }

        return sb.ToString();
    }

    private static int CountWords(string s)
    {
        var n = 1;
        foreach (var c in s)
        {
            if (c == ' ')
            {
                n++;
            }
        }

        return n;
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string StripAccents(string s)
    {
        var d = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(d.Length);
        foreach (var c in d)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;
        private readonly Randomizer _random;

        public Zipf(int n, double s, Randomizer random)
        {
            _random = random;
            _cumulative = new double[n];
            double total = 0;
            for (var i = 0; i < n; i++)
            {
                total += 1 / Math.Pow(i + 1, s);
                _cumulative[i] = total;
            }
        }

        public int Next()
        {
            var x = _random.Double() * _cumulative[^1];
            var i = Array.BinarySearch(_cumulative, x);
            return Math.Min(i < 0 ? ~i : i, _cumulative.Length - 1);
        }
    }

    private sealed record Vocabulary(string[] Nouns, string[] Adjectives, string[] Verbs, string[] Links, string[] Openers, string[] Tags, string[] Lexicon)
    {
        public static Vocabulary Load()
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("french-vocabulary.txt")
                ?? throw new InvalidOperationException("french-vocabulary.txt is not embedded");
            using var reader = new StreamReader(stream);
            var sections = new Dictionary<string, List<string>>();
            List<string>? current = null;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                line = line.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                if (line.StartsWith('[') && line.EndsWith(']'))
                {
                    current = sections[line[1..^1]] = [];
                }
                else
                {
                    current?.Add(line);
                }
            }

            return new Vocabulary(
                [.. sections["noms"]], [.. sections["adjectifs"]], [.. sections["verbes"]],
                [.. sections["liens"]], [.. sections["debuts"]], [.. sections["tags"]], [.. sections["lexique"]]);
        }
    }
}
