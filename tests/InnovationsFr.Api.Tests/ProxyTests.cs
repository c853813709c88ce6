using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace InnovationsFr.Api.Tests;

/// <summary>
/// The API behind a reverse proxy at 10.1.2.3 (every request's socket comes from it, as with nginx
/// in front), with a rate limit of 3 requests a minute per client.
/// </summary>
public class BehindProxyApiFactory : ApiFactory
{
    public const string ProxyAddress = "10.1.2.3";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimit:PermitLimit", "3");
        builder.UseSetting("RateLimit:WindowSeconds", "60");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, FromProxy>());
    }

    private sealed class FromProxy : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ProxyAddress);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The same, with the proxy configured as known: its X-Forwarded-For is believed.</summary>
public sealed class KnownProxyApiFactory : BehindProxyApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ForwardedHeaders:KnownProxies:0", ProxyAddress);
    }
}

internal static class Readers
{
    /// <summary>Statuses of <paramref name="count"/> searches sent on behalf of the reader at <paramref name="address"/>.</summary>
    public static async Task<List<HttpStatusCode>> SearchAsAsync(HttpClient client, string address, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/search?q=satellites", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", address);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        return statuses;
    }
}

public sealed class KnownProxyTests(KnownProxyApiFactory factory) : IClassFixture<KnownProxyApiFactory>
{
    [Fact]
    public async Task Readers_behind_a_configured_proxy_each_get_their_own_rate_limit()
    {
        var client = await factory.ReadyClientAsync();

        var first = await Readers.SearchAsAsync(client, "203.0.113.10", 4);
        var second = await Readers.SearchAsAsync(client, "203.0.113.20", 3);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], first);
        Assert.All(second, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}

public sealed class UnknownProxyTests(BehindProxyApiFactory factory) : IClassFixture<BehindProxyApiFactory>
{
    [Fact]
    public async Task Without_a_configured_proxy_X_Forwarded_For_is_ignored_so_it_cannot_dodge_the_limit()
    {
        var client = await factory.ReadyClientAsync();

        var first = await Readers.SearchAsAsync(client, "203.0.113.10", 2);
        var second = await Readers.SearchAsAsync(client, "203.0.113.20", 2);

        // One bucket for the socket's address, whatever the header claims: the "second reader" gets
        // the one request left of the limit of 3, then a 429.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], first);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], second);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], second);
    }
}

/// <summary>Admin keys configured, and at most 3 wrong keys a minute per client.</summary>
public sealed class KeyGuessingApiFactory : ApiFactory
{
    public const string WriteKey = "ecriture-9876543210";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Admin:WriteKeys:0"] = WriteKey,
        ["Admin:FailedKeyLimit"] = "3",
    };
}

public sealed class AdminKeyGuessingTests(KeyGuessingApiFactory factory) : IClassFixture<KeyGuessingApiFactory>
{
    [Fact]
    public async Task A_client_guessing_admin_keys_is_refused_with_429_after_a_few_wrong_ones_even_with_the_right_key()
    {
        var client = await factory.ReadyClientAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await ZeroResultsAsync(client, "devine-" + i));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var right = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/admin/zero-results", UriKind.Relative));
        right.Headers.Add("X-Api-Key", KeyGuessingApiFactory.WriteKey);
        var refused = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // Readers are not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/search?q=satellites", UriKind.Relative))).StatusCode);
    }

    private static async Task<HttpStatusCode> ZeroResultsAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/admin/zero-results", UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        return (await client.SendAsync(request)).StatusCode;
    }
}
