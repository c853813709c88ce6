using System.Security.Cryptography;
using System.Text;

namespace InnovationsFr.Api;

/// <summary>What an admin endpoint needs.</summary>
public enum AdminAccess
{
    Read,
    Write,
}

/// <summary>
/// The admin API keys, from configuration Admin:ReadKeys and Admin:WriteKeys (lists, so
/// Admin__WriteKeys__0 in the environment). A write key also reads. Keys are compared in constant
/// time, as SHA-256 digests (so a key's length does not show either). With no key configured the
/// admin endpoints do not exist (404): never open by default.
/// </summary>
public sealed class AdminKeys
{
    public const string Header = "X-Api-Key";

    private readonly List<byte[]> _read;
    private readonly List<byte[]> _write;

    private AdminKeys(IEnumerable<string> read, IEnumerable<string> write)
    {
        _write = write.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Digest).ToList();
        _read = read.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Digest).Concat(_write).ToList();
    }

    public bool Configured => _read.Count > 0;

    public static AdminKeys From(IConfiguration configuration) => new(
        configuration.GetSection("Admin:ReadKeys").Get<string[]>() ?? [],
        configuration.GetSection("Admin:WriteKeys").Get<string[]>() ?? []);

    /// <summary>The status an admin request gets: null when allowed, else 404 (no key configured), 401 (no or wrong key) or 403 (a read key on a write).</summary>
    public int? Refuse(HttpRequest request, AdminAccess access)
    {
        if (!Configured)
        {
            return StatusCodes.Status404NotFound;
        }

        var given = request.Headers[Header].ToString();
        if (given.Length == 0)
        {
            return StatusCodes.Status401Unauthorized;
        }

        var digest = Digest(given);
        var writes = Matches(_write, digest);
        var reads = Matches(_read, digest);
        if (!reads)
        {
            return StatusCodes.Status401Unauthorized;
        }

        return access == AdminAccess.Write && !writes ? StatusCodes.Status403Forbidden : null;
    }

    /// <summary>Every key is compared, so the time taken does not tell which one matched.</summary>
    private static bool Matches(List<byte[]> keys, byte[] digest)
    {
        var found = false;
        foreach (var key in keys)
        {
            found |= CryptographicOperations.FixedTimeEquals(key, digest);
        }

        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>
/// Wrong admin keys per client (Admin:FailedKeyLimit, default 10, per Admin:FailedKeyWindowSeconds,
/// default 60): past the limit the client's admin requests all get 429 until the window ends, the
/// right key included, so that guessing keys cannot go on at the speed of the network.
/// </summary>
public sealed class AdminKeyFailures(int limit, TimeSpan window) : IDisposable
{
    private readonly System.Threading.RateLimiting.PartitionedRateLimiter<string> _failures =
        System.Threading.RateLimiting.PartitionedRateLimiter.Create<string, string>(client =>
            System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(client, _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, limit),
                Window = window,
                QueueLimit = 0,
            }));

    public TimeSpan Window => window;

    public static AdminKeyFailures From(IConfiguration configuration) => new(
        configuration.GetValue("Admin:FailedKeyLimit", 10),
        TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Admin:FailedKeyWindowSeconds", 60))));

    /// <summary>Whether the client has used up its wrong keys for this window.</summary>
    public bool Exhausted(string client) => _failures.GetStatistics(client)?.CurrentAvailablePermits == 0;

    /// <summary>Counts a wrong key.</summary>
    public void Record(string client) => _failures.AttemptAcquire(client).Dispose();

    public void Dispose() => _failures.Dispose();
}

/// <summary>Endpoint filter: admin endpoints answer only to the right key.</summary>
public static class AdminEndpoints
{
    /// <summary>The admin keys and the count of wrong ones, from configuration.</summary>
    public static IServiceCollection AddAdminKeys(this IServiceCollection services) => services
        .AddSingleton(sp => AdminKeys.From(sp.GetRequiredService<IConfiguration>()))
        .AddSingleton(sp => AdminKeyFailures.From(sp.GetRequiredService<IConfiguration>()));

    public static RouteHandlerBuilder RequireAdmin(this RouteHandlerBuilder endpoint, AdminAccess access) =>
        endpoint
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                var keys = http.RequestServices.GetRequiredService<AdminKeys>();
                var failures = http.RequestServices.GetRequiredService<AdminKeyFailures>();
                var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (keys.Configured && failures.Exhausted(client))
                {
                    http.Response.Headers.RetryAfter = ((int)failures.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return TypedResults.Problem(statusCode: 429, title: "Too many wrong admin keys", detail: $"This client sent too many wrong {AdminKeys.Header} values; admin requests are refused for up to {(int)failures.Window.TotalSeconds} s.");
                }

                var refusal = keys.Refuse(http.Request, access);
                if (refusal == StatusCodes.Status401Unauthorized)
                {
                    failures.Record(client);
                }

                return refusal switch
                {
                    null => await next(context),
                    StatusCodes.Status404NotFound => TypedResults.Problem(statusCode: 404, title: "Not found"),
                    StatusCodes.Status401Unauthorized => TypedResults.Problem(statusCode: 401, title: "An admin API key is required", detail: $"Send a valid key in the {AdminKeys.Header} header."),
                    var status => TypedResults.Problem(statusCode: status, title: "This key may only read", detail: "Writes need a key from Admin:WriteKeys."),
                };
            })
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
