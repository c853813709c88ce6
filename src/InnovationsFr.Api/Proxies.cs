using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace InnovationsFr.Api;

/// <summary>Configuration section "ForwardedHeaders": the reverse proxies whose X-Forwarded-For is believed.</summary>
public sealed class ProxySettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the reverse proxies in front of the service (nginx, haproxy): "127.0.0.1", "10.0.0.5".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of reverse proxies, in CIDR notation: "10.0.0.0/8".</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, so per-client limits would
/// put every reader in one bucket. The client's own address is taken from X-Forwarded-For, but only
/// when the request comes from a proxy named in configuration: anyone else could write that header.
/// With no proxy configured the header is ignored and the socket's address is the client's.
/// </summary>
public static class Proxies
{
    public static IServiceCollection AddForwardedClients(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ProxySettings.Section).Get<ProxySettings>() ?? new ProxySettings();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default: only what is configured is trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
            }

            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
            }
        });
        services.AddSingleton(settings);
        return services;
    }

    /// <summary>Reads the client's address from the configured proxies' X-Forwarded-For; does nothing when none is configured.</summary>
    public static IApplicationBuilder UseForwardedClients(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ProxySettings>();
        return settings.KnownProxies.Length + settings.KnownNetworks.Length == 0 ? app : app.UseForwardedHeaders();
    }
}
