using System.Globalization;
using System.Text;

namespace InnovationsFr.Search;

/// <summary>
/// The index folder: one sub-folder per built generation and a CURRENT file naming the live one.
/// A build writes a new generation beside the live one and replaces CURRENT by an atomic rename
/// only once the generation is complete, so readers never see a half-built index.
/// </summary>
public sealed class IndexFolder
{
    private const string PointerName = "CURRENT";
    private const string GenerationPrefix = "gen-";

    public IndexFolder(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>The live generation's folder, or null when no complete index exists.</summary>
    public string? CurrentGeneration
    {
        get
        {
            var pointer = Path.Combine(Root, PointerName);
            if (!File.Exists(pointer))
            {
                return null;
            }

            var name = File.ReadAllText(pointer, Encoding.UTF8).Trim();
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                return null;
            }

            var path = Path.Combine(Root, name);
            return Directory.Exists(path) ? path : null;
        }
    }

    public bool HasIndex => CurrentGeneration != null;

    /// <summary>Whether <paramref name="name"/> is a generation folder's name (gen- and letters, digits or dashes: no path).</summary>
    public static bool IsGenerationName(string? name) =>
        name is { Length: > 4 and <= 64 } && name.StartsWith(GenerationPrefix, StringComparison.Ordinal) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    internal string NewGenerationPath()
    {
        Directory.CreateDirectory(Root);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture);
        return Path.Combine(Root, $"{GenerationPrefix}{stamp}-{Guid.NewGuid():N}"[..(GenerationPrefix.Length + 18 + 9)]);
    }

    /// <summary>Makes <paramref name="generation"/> the live index: write a temporary pointer, flush it, rename it over CURRENT, flush the folder.</summary>
    internal void Publish(string generation)
    {
        var temp = Path.Combine(Root, PointerName + ".tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(Path.GetFileName(generation)));
            stream.Flush(flushToDisk: true);
        }

        DurableFile.Replace(temp, Path.Combine(Root, PointerName));
    }

    /// <summary>Deletes generations other than the live one and the one before it (a running reader may still hold it).</summary>
    internal void RemoveOldGenerations(string? previous)
    {
        var current = CurrentGeneration;
        foreach (var dir in Directory.EnumerateDirectories(Root, GenerationPrefix + "*"))
        {
            if (PathEquals(dir, current) || PathEquals(dir, previous))
            {
                continue;
            }

            TryDelete(dir);
        }
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a folder we cannot delete now is retried at the next build.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool PathEquals(string a, string? b) =>
        b != null && string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    /// <summary>Takes the build lock: one build at a time per index folder. Null when another build holds it.</summary>
    internal FileStream? TryLockForBuild()
    {
        Directory.CreateDirectory(Root);
        try
        {
            return new FileStream(Path.Combine(Root, "build.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
