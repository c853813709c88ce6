using System.Runtime.InteropServices;
using Lucene.Net.Index;

namespace InnovationsFr.Search;

/// <summary>
/// Lucene's concurrent merges, on threads of lower scheduling priority (Linux nice 10): a merge is
/// background work that can wait, and the large merges a bulk load leaves took one of the two cores
/// for tens of seconds while readers queued behind them. At nice 10 a merge still gets every cycle
/// the searches leave idle. Elsewhere than Linux, merges run at normal priority.
/// </summary>
internal sealed partial class BackgroundMergeScheduler : ConcurrentMergeScheduler
{
    /// <summary>The nice value merge threads run at.</summary>
    public const int Niceness = 10;

    [ThreadStatic]
    private static bool t_lowered;

    protected override void DoMerge(MergePolicy.OneMerge merge)
    {
        if (!t_lowered)
        {
            t_lowered = true;
            LowerCurrentThread();
        }

        base.DoMerge(merge);
    }

    /// <summary>Lowers the calling thread's priority to <see cref="Niceness"/>; false where it cannot (not Linux, no libc, or refused): the merge then runs as it is.</summary>
    internal static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // On Linux the nice value belongs to each thread, and "who = 0" is the calling one.
            return SetPriority(PrioProcess, 0, Niceness) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
