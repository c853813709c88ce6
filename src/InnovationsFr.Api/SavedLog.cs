using System.Text.Json;

namespace InnovationsFr.Api;

/// <summary>
/// A log kept in memory for editors and in a JSON file between restarts: written every 30 s when
/// changed and at shutdown, atomically (a temporary file renamed over the old one); an unreadable
/// file starts afresh. Subclasses hold their entries under <see cref="Sync"/> and call <see cref="Changed"/>.
/// </summary>
public abstract class SavedLog<TEntry>(string path) : BackgroundService
{
    protected System.Threading.Lock Sync { get; } = new();

    private bool _dirty;

    /// <summary>Marks the log as changed (call under <see cref="Sync"/>).</summary>
    protected void Changed() => _dirty = true;

    /// <summary>The entries to write (called under <see cref="Sync"/>).</summary>
    protected abstract List<TEntry> Snapshot();

    /// <summary>The entries of the file, or none when it is missing or unreadable.</summary>
    protected static List<TEntry> Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<List<TEntry>>(File.ReadAllText(path)) ?? [] : [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return []; // an unreadable log starts afresh
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Save();
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down: StopAsync saves
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }

    /// <summary>Writes the log if it changed (to a temporary file, then renamed over the old one).</summary>
    public void Save()
    {
        List<TEntry> snapshot;
        lock (Sync)
        {
            if (!_dirty)
            {
                return;
            }

            snapshot = Snapshot();
            _dirty = false;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(snapshot));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (Sync)
            {
                _dirty = true; // try again on the next tick
            }
        }
    }
}
