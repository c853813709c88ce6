using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace InnovationsFr.Api.Tests.WordPress;

/// <summary>
/// A real WordPress from Debian's packages on loopback, with our API as a real process beside it:
/// MariaDB in a temporary data folder, WordPress 6.1 copied from /usr/share/wordpress and served by
/// PHP's built-in server, installed through its own installer over HTTP, the plugin from
/// integrations/wordpress linked into it. Debian packages no WP-CLI: WordPress is driven through its
/// own functions by wp-do.php (one PHP process per step, as an editor's request would be).
/// </summary>
public sealed class WordPressSite : IAsyncDisposable
{
    public const string WriteKey = "ecriture-wordpress-0123456789";
    private const string WordPressTree = "/usr/share/wordpress";
    private static readonly string[] Needed = [WordPressTree + "/wp-load.php", "/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb", "/usr/bin/php"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ifr-wordpress", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];
    private Process? _api;

    public string Docroot => Path.Combine(_root, "wp");

    public int ApiPort { get; } = FreePort();

    public int WordPressPort { get; } = FreePort();

    public HttpClient Api { get; private set; } = new();

    public HttpClient Site { get; private set; } = new();

    /// <summary>What is missing for the test, or null when everything is there.</summary>
    public static string? Missing()
    {
        var missing = Needed.Where(p => !File.Exists(p)).ToList();
        if (missing.Count == 0 && !Run("/usr/bin/php", ["-m"]).Contains("mysqli", StringComparison.Ordinal))
        {
            missing.Add("PHP's mysqli (php-mysql)");
        }

        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_root);
        await StartDatabaseAsync();
        await StartApiAsync();
        InstallFiles();
        var php = Start("/usr/bin/php", ["-S", $"127.0.0.1:{WordPressPort}", "-t", Docroot], new Dictionary<string, string> { ["PHP_CLI_SERVER_WORKERS"] = "4" });
        _processes.Add(php);
        Site = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{WordPressPort}/"), Timeout = TimeSpan.FromSeconds(120) };
        await UntilAsync(async () => (await TryGetAsync(Site, "wp-admin/install.php")) != null, "WordPress's installer answers");

        // WordPress's own installer, over HTTP.
        var install = await Site.PostAsync(new Uri("wp-admin/install.php?step=2", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["weblog_title"] = "InnovationsFr (test)",
            ["user_name"] = "admin",
            ["admin_password"] = "mot-de-passe-de-test-8472",
            ["admin_password2"] = "mot-de-passe-de-test-8472",
            ["pw_weak"] = "1",
            ["admin_email"] = "admin@example.test",
            ["blog_public"] = "0",
            ["language"] = "",
        }));
        var page = await install.Content.ReadAsStringAsync();
        if (install.StatusCode != HttpStatusCode.OK || !page.Contains("wp-login.php", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"WordPress's installer answered {(int)install.StatusCode}: {page[..Math.Min(page.Length, 400)]}");
        }
    }

    /// <summary>Runs a wp-do.php command (WordPress's own functions, one PHP process) and returns its JSON answer.</summary>
    public JsonElement Do(string command, object? arguments = null)
    {
        var script = Path.Combine(ApiFactory.RepositoryRoot(), "tests", "InnovationsFr.Api.Tests", "WordPress", "wp-do.php");
        var output = Run("/usr/bin/php", [script, Docroot, command, JsonSerializer.Serialize(arguments ?? new { })], new Dictionary<string, string> { ["WP_TEST_HOME"] = $"http://127.0.0.1:{WordPressPort}" });
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"wp-do {command}: {output}");
        }
    }

    public async Task StopApiAsync()
    {
        if (_api is { HasExited: false })
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
        }
    }

    public async Task StartApiAsync()
    {
        var corpus = Path.Combine(_root, "corpus.jsonl");
        if (!File.Exists(corpus))
        {
            // One article the site does not have: the service's index is the site's posts, and this.
            await File.WriteAllTextAsync(corpus, """{"id":"hors-site-1","title":"Un article venu d'ailleurs","body":"Sur les volcans d'Auvergne.","publishedAt":"2024-05-01T10:00:00+02:00"}""" + "\n");
        }

        _api = Start("dotnet", [ApiFactory.ApiAssembly()], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ApiPort}",
            ["Search__IndexPath"] = Path.Combine(_root, "index"),
            ["Search__CorpusPath"] = corpus,
            ["Search__RankingModelPath"] = Path.Combine(_root, "no-model.zip"),
            ["Search__RefreshMs"] = "100",
            ["Admin__WriteKeys__0"] = WriteKey,
            ["RateLimit__PermitLimit"] = "0",
        }, ApiFactory.RepositoryRoot());
        _processes.Add(_api);
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        await UntilAsync(async () => await TryGetAsync(Api, "health/ready") is { } health && health.Contains("\"ready\"", StringComparison.Ordinal), "our API is ready");
    }

    private async Task StartDatabaseAsync()
    {
        var data = Path.Combine(_root, "db");
        Run("/usr/bin/mariadb-install-db", ["--no-defaults", $"--datadir={data}", "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"]);
        var socket = Path.Combine(_root, "mysql.sock");
        _processes.Add(Start("/usr/sbin/mariadbd", ["--no-defaults", $"--datadir={data}", $"--socket={socket}", "--skip-networking", "--user=root", $"--pid-file={_root}/mysqld.pid", "--innodb-buffer-pool-size=64M", $"--log-error={_root}/mysqld.err"]));
        await UntilAsync(() => Task.FromResult(File.Exists(socket) && Succeeds("/usr/bin/mariadb", ["--no-defaults", $"--socket={socket}", "-uroot", "-e", "CREATE DATABASE IF NOT EXISTS wordpress"])), "MariaDB answers");
    }

    /// <summary>WordPress copied (Debian's wp-config.php reads /etc/wordpress; this one is ours), a content folder with the plugin and a test theme.</summary>
    private void InstallFiles()
    {
        Run("/bin/cp", ["-rL", WordPressTree, Docroot]);
        var content = Path.Combine(_root, "wp-content");
        Directory.CreateDirectory(Path.Combine(content, "plugins"));
        Directory.CreateDirectory(Path.Combine(content, "uploads"));
        Directory.CreateSymbolicLink(Path.Combine(content, "plugins", "innovationsfr-search"), Path.Combine(ApiFactory.RepositoryRoot(), "integrations", "wordpress", "innovationsfr-search"));
        Directory.CreateSymbolicLink(Path.Combine(content, "themes"), Path.Combine(_root, "themes"));
        Directory.CreateDirectory(Path.Combine(_root, "themes"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "themes", "ifr-test"), Path.Combine(ApiFactory.RepositoryRoot(), "tests", "InnovationsFr.Api.Tests", "WordPress", "theme"));
        var salts = string.Join("\n", new[] { "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT" }
            .Select(k => $"define('{k}', '{Guid.NewGuid():N}');"));
        File.WriteAllText(Path.Combine(Docroot, "wp-config.php"), $$"""
            <?php
            define('DB_NAME', 'wordpress');
            define('DB_USER', 'root');
            define('DB_PASSWORD', '');
            define('DB_HOST', 'localhost:{{Path.Combine(_root, "mysql.sock")}}');
            define('DB_CHARSET', 'utf8mb4');
            define('DB_COLLATE', '');
            define('WP_HOME', 'http://127.0.0.1:{{WordPressPort}}');
            define('WP_SITEURL', 'http://127.0.0.1:{{WordPressPort}}');
            define('WP_CONTENT_DIR', '{{content}}');
            define('WP_CONTENT_URL', 'http://127.0.0.1:{{WordPressPort}}/wp-content');
            define('WP_PLUGIN_DIR', '{{content}}/plugins');
            define('WP_AUTO_UPDATE_CORE', false);
            define('AUTOMATIC_UPDATER_DISABLED', true);
            define('WP_HTTP_BLOCK_EXTERNAL', true);
            define('WP_ACCESSIBLE_HOSTS', '127.0.0.1');
            define('FS_METHOD', 'direct');
            define('INNOVATIONSFR_SEARCH_RETRY_BASE', 1);
            define('DISABLE_WP_CRON', true); // the test calls wp-cron.php itself, as a system cron would (no page-load spawn holding the lock)
            define('INNOVATIONSFR_SEARCH_CLOUD_TTL', 1);
            {{salts}}
            $table_prefix = 'wp_';
            if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }
            require_once ABSPATH . 'wp-settings.php';
            """);
    }

    private static async Task<string?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Everything the processes wrote to their logs (our API, PHP's server, MariaDB).</summary>
    public string Logs()
    {
        lock (LogLock)
        {
            return string.Concat(Directory.EnumerateFiles(_root, "*.log").Select(File.ReadAllText));
        }
    }

    /// <summary>Polls until <paramref name="done"/> (generous deadline: a loaded 2-core machine may stall for seconds).</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, double seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {seconds} s: {what}");
            }

            await Task.Delay(100);
        }
    }

    private Process Start(string file, string[] arguments, Dictionary<string, string>? environment = null, string? directory = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory ?? _root };
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        var log = Path.Combine(_root, Path.GetFileNameWithoutExtension(file) + ".log");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly Lock LogLock = new();

    private static void Append(string log, string? line)
    {
        if (line != null)
        {
            lock (LogLock)
            {
                File.AppendAllText(log, line + "\n");
            }
        }
    }

    private static bool Succeeds(string file, string[] arguments)
    {
        try
        {
            Run(file, arguments);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Run(string file, string[] arguments, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: exit {process.ExitCode}: {error.Result}{output.Result}");
        }

        return output.Result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
        }

        Api.Dispose();
        Site.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
