using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace InnovationsFr.Api.Tests.Browser;

/// <summary>The API over the shipped corpus plus one article whose title is an XSS attempt.</summary>
public sealed class BrowserApiFactory : ApiFactory
{
    public const string XssTitle = "<img src=x onerror=alert(1)>";
    public const string XssSlug = "article-piege";

    /// <summary>
    /// The blog that embeds the widget: another origin, a real server on loopback (Chromium refuses
    /// a page it thinks public the right to reach a loopback address).
    /// </summary>
    public string BlogOrigin { get; } = "http://localhost:" + FreePort();

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private readonly string _corpus = Path.Combine(Path.GetTempPath(), "ifr-browser-tests", Guid.NewGuid().ToString("N") + ".jsonl");

    public BrowserApiFactory()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_corpus)!);
        var trap = JsonSerializer.Serialize(new
        {
            id = "xss-1",
            slug = XssSlug,
            title = XssTitle,
            body = "Un titre piégé ne doit jamais s'exécuter. <script>alert(2)</script> Le texte reste du texte.",
            publishedAt = "2024-01-05T10:00:00+01:00",
            tags = new[] { "Sécurité web <b>gras</b>" },
        });
        File.WriteAllLines(_corpus, File.ReadAllLines(ShippedCorpus).Append(trap));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Search:CorpusPath", _corpus);
        builder.UseSetting("Cors:AllowedOrigins:1", BlogOrigin);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_corpus);
    }
}

/// <summary>A page of another site, served for real on loopback: what a blog embedding the widget is.</summary>
public sealed class BlogServer : IDisposable
{
    private readonly System.Net.HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public BlogServer(string origin)
    {
        _listener.Prefixes.Add(origin + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The HTML served for every path.</summary>
    public string Html { get; set; } = "<!doctype html><title>blog</title>";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            System.Net.HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var body = System.Text.Encoding.UTF8.GetBytes(Html);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}

/// <summary>
/// The real API on a real socket and Debian's Chromium driven by Playwright (no browser download:
/// ExecutablePath, headless, --no-sandbox as CI runs as root).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserApiFactory Factory { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public BlogServer Blog { get; private set; } = null!;

    private IPlaywright? _playwright;

    /// <summary>Where screenshots and measurements go (git-ignored).</summary>
    public static string Artefacts
    {
        get
        {
            var dir = Path.Combine(ApiFactory.RepositoryRoot(), "TestResults", "browser");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"Browser tests need Debian's chromium at {Chromium}: apt-get install -y chromium (bash .ci/run does it).");
        }

        Factory.UseKestrel(0);
        Factory.StartServer();
        BaseUrl = Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await Factory.ReadyClientAsync();
        Blog = new BlogServer(Factory.BlogOrigin);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>A fresh page; a JavaScript dialog (an injected alert) fails the test that opened it.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "fr-FR" });
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) => Dialogs.Add(dialog.Message);
        return page;
    }

    public List<string> Dialogs { get; } = [];

    public async Task DisposeAsync()
    {
        if (Browser != null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Blog?.Dispose();
        Factory.Dispose();
    }
}
