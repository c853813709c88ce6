using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace InnovationsFr.Search;

/// <summary>
/// Renames that survive a power loss. POSIX makes a rename durable only once the folder holding
/// the new name is flushed (fsync on the folder): until then, after a crash the old file may be
/// back (a CURRENT pointing to the previous generation, an uncompacted journal). .NET has no call
/// for it, so the folder is opened read-only and fsynced through libc, as Lucene's IOUtils.fsync
/// does for directories. Where that cannot be done (Windows), the rename alone is what there is.
/// </summary>
internal static partial class DurableFile
{
    /// <summary>Moves <paramref name="source"/> over <paramref name="destination"/>, then flushes the destination's folder.</summary>
    public static void Replace(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }

    /// <summary>Flushes a folder's entries (names created, renamed or removed in it) to disk.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(folder, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {folder} to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"cannot flush folder {folder} (errno {Marshal.GetLastPInvokeError()})");
            }

            Synced.Enqueue(Path.GetFullPath(folder));
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>The folders flushed so far, most recent last (the last 4,096; tests check that a rename was made durable).</summary>
    internal static IReadOnlyCollection<string> SyncedFolders => Synced;

    private static readonly BoundedQueue Synced = new(256);

    private const int ReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    private sealed class BoundedQueue(int capacity) : ConcurrentQueue<string>
    {
        public new void Enqueue(string item)
        {
            base.Enqueue(item);
            while (Count > capacity && TryDequeue(out _))
            {
            }
        }
    }
}
