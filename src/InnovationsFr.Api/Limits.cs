using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace InnovationsFr.Api;

/// <summary>Configuration section "RateLimit": per-client limits on the public endpoints.</summary>
public sealed class RateLimitSettings
{
    public const string Section = "RateLimit";

    /// <summary>Requests a client may make per window (a burst); 0 turns the limiter off.</summary>
    public int PermitLimit { get; set; } = 120;

    /// <summary>The window, in seconds: the default lets a client make 120 requests every 10 s (12/s sustained).</summary>
    public int WindowSeconds { get; set; } = 10;

    /// <summary>Requests waiting for the next window before a 429 (0: none wait).</summary>
    public int QueueLimit { get; set; }
}

/// <summary>
/// Per-client rate limiting (ASP.NET Core's rate limiter, a fixed window per client IP address)
/// on the public endpoints; a client over its limit gets 429 problem+json with Retry-After.
/// Health probes, metrics and admin endpoints are not limited (admin endpoints need a key).
/// </summary>
public static class Limits
{
    public const string PublicPolicy = "public";

    public static IServiceCollection AddPublicRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PublicPolicy, context =>
            {
                if (settings.PermitLimit <= 0)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds)),
                    QueueLimit = settings.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(settings.WindowSeconds);
                var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This client made more than {settings.PermitLimit} requests in {settings.WindowSeconds} s; try again in {seconds} s.",
                    },
                });
            };
        });
        return services;
    }
}
