using System.Net;
using System.Text;

namespace InnovationsFr.Api.Tests;

/// <summary>
/// Thousands of generated malformed requests (fixed seed): random Unicode and bytes, invalid
/// percent-encoding and UTF-8, huge and negative numbers, repeated parameters, Lucene syntax,
/// wrong JSON types. None may get a 5xx, and every 4xx must be problem+json.
/// </summary>
public sealed class FuzzTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>Requests per run in CI; bench/fuzz.sh runs more (FUZZ_REQUESTS).</summary>
    private static int Requests => int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), out var n) ? n : 10_000;

    private static readonly string[] Paths =
    [
        "/api/search", "/api/suggest", "/api/tags", "/api/tags/cloud", "/api/tags/duplicates", "/api/tags/{x}",
        "/api/articles/{x}", "/api/articles/{x}/related", "/api/articles/by-slug/{x}", "/api/admin/zero-results", "/health", "/api/nope/{x}",
    ];

    private static readonly string[] Names =
    [
        "q", "page", "size", "sort", "tag", "tagMode", "facetLimit", "facetMinCount", "histogram", "rubric", "from", "to",
        "typoTolerance", "limit", "prefix", "number", "smallest", "largest", "unit", "orderby", "order", "days", "trending",
        "sameRubric", "excludeTag", "scale", "q\u0000", "%", "",
    ];

    private static readonly string[] Nasty =
    [
        "-1", "0", "2147483648", "-2147483649", "99999999999999999999", "1e309", "NaN", "Infinity", "0x10", "1.5", "true", "",
        "title:(IA AND défense)~2^3", "\"non fermé", "*", "?", "\\", "[a TO z]", "{!lucene}", "OR", "AND NOT", "((((", "a~", "/regex/",
        "2025-13-45", "2025-02-30T25:61:00+99:00", "9999-12-31", "0001-01-01", "hier", "2025-01-01T00:00:00", "<script>alert(1)</script>",
        "%", "%Z", "%ZZ", "%C3", "%C3%28", "%FF%FE%FD", "%ED%A0%80", "%00", "%F0%9F%98", "%E2%80%AE", "%0D%0ASet-Cookie:x=1",
    ];

    private static string Encode(byte[] bytes) => string.Concat(bytes.Select(b => "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private const string Syntax = "+-&|!(){}[]^\"~*?:\\/ ";
    private const string French = "éèàùçœÉ’«»";

    private static string RandomText(Random random)
    {
        var length = random.Next(0, random.Next(2) == 0 ? 20 : 3_000);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(random.Next(8) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)),
                3 => French[random.Next(French.Length)].ToString(),
                4 => Syntax[random.Next(Syntax.Length)].ToString(),
                5 => (char)random.Next(0x0590, 0x06FF),
                _ => (char)random.Next('a', 'z' + 1),
            });
        }

        return sb.ToString();
    }

    private static string Value(Random random) => random.Next(4) switch
    {
        0 => Nasty[random.Next(Nasty.Length)],
        1 => Encode(Encoding.UTF8.GetBytes(RandomText(random))),
        2 => Encode(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (byte)random.Next(256)).ToArray()),
        _ => random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static HttpRequestMessage Request(Random random)
    {
        if (random.Next(10) == 0)
        {
            // Wrong JSON types and garbage to the POST endpoint.
            string[] bodies =
            [
                "{\"text\": 12}", "{\"text\": [\"a\"], \"tags\": \"IA\"}", "{\"text\": \"IA\", \"limit\": \"dix\"}", "{\"text\": null}",
                "[]", "null", "\"texte\"", "{", "{\"text\": \"ok\", \"from\": \"hier\"}", "{\"text\": \"ok\", \"limit\": 1e99}",
                "{\"text\": \"" + new string('a', 10) + "\", \"tags\": [1, {}, null]}", "\u0000\u0001", "{\"text\":\"\\ud800\"}",
            ];
            return new HttpRequestMessage(HttpMethod.Post, "/api/related")
            {
                Content = new StringContent(random.Next(3) == 0 ? RandomText(random) : bodies[random.Next(bodies.Length)], Encoding.UTF8, random.Next(4) == 0 ? "text/plain" : "application/json"),
            };
        }

        // A NUL in the path never reaches the app (Kestrel answers a bare 400, the test server refuses to send it).
        var segment = Value(random).Replace("%00", "%01", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);
        var path = Paths[random.Next(Paths.Length)].Replace("{x}", segment, StringComparison.Ordinal);
        var query = string.Join('&', Enumerable.Range(0, random.Next(0, 8)).Select(_ =>
        {
            var name = Names[random.Next(Names.Length)];
            return random.Next(10) == 0 ? name : name + "=" + Value(random);
        }));
        var method = random.Next(20) == 0 ? (random.Next(2) == 0 ? HttpMethod.Delete : HttpMethod.Put) : HttpMethod.Get;
        return new HttpRequestMessage(method, path + (query.Length > 0 ? "?" + query : ""));
    }

    [Fact]
    public async Task Malformed_requests_never_get_a_5xx_and_every_4xx_is_problem_json()
    {
        var client = await factory.ReadyClientAsync();
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var seed) ? seed : 20261128);
        var requests = Enumerable.Range(0, Requests).Select(_ => Request(random)).ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            var describe = request.Method + " " + request.RequestUri;
            using var response = await client.SendAsync(request);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{(int)response.StatusCode} {describe}");
            }
            else if ((int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{(int)response.StatusCode} without problem+json ({response.Content.Headers.ContentType}) {describe}");
            }
            else if ((int)response.StatusCode >= 400 && (await response.Content.ReadAsStringAsync()).Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"{(int)response.StatusCode} with a stack trace {describe}");
            }
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers, e.g.:\n" + string.Join('\n', failures.Take(15)));
        Assert.True(statuses.Keys.Any(s => s == 200) && statuses.Keys.Any(s => s == 400), string.Join(", ", statuses.Select(p => $"{p.Key}: {p.Value}")));
    }
}
