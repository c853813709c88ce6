using InnovationsFr.Search;
using Microsoft.Extensions.Options;

namespace InnovationsFr.Api.Index;

/// <summary>
/// A replica's loop (Search:Role=replica): asks its primary for a newer commit (the primary holds the
/// request until one is made, up to Search:ReplicaWaitMs), copies it and serves it; when the primary
/// does not answer or sends something refused, logs why, keeps serving what it has, and tries again
/// after a short pause (250 ms, doubling to 2 s). Does nothing on a primary.
/// </summary>
internal sealed partial class ReplicaFollower(
    IndexReplica replica,
    SearchIndex index,
    IOptions<SearchSettings> settings,
    ILogger<ReplicaFollower> logger) : BackgroundService
{
    public const string PrimaryClient = "primary";

    private string? _lastLogged;
    private long _lastLoggedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Value.IsReplica)
        {
            return;
        }

        // A replica restarted serves its last copy at once (IndexStartup opens it), then catches up.
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, settings.Value.ReplicaWaitMs));
        var pause = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var hadProblem = replica.Status.Problem != null || !index.IsOpen;
                if (await replica.CatchUpAsync(wait, stoppingToken) && hadProblem)
                {
                    var status = replica.Status;
                    LogServing(status.Commit, status.Generation ?? "", settings.Value.Primary ?? "");
                }

                pause = TimeSpan.FromMilliseconds(250);
                _lastLogged = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is ReplicationRefusedException or HttpRequestException or IOException or TaskCanceledException or Lucene.Net.Index.CorruptIndexException)
            {
                // The same problem once a minute, a new one at once.
                var now = Environment.TickCount64;
                if (e.Message != _lastLogged || now - _lastLoggedAt > 60_000)
                {
                    _lastLogged = e.Message;
                    _lastLoggedAt = now;
                    if (e is ReplicationRefusedException)
                    {
                        LogRefused(e.Message, replica.Status.Commit, replica.Status.Generation ?? "nothing yet");
                    }
                    else
                    {
                        LogUnreachable(settings.Value.Primary ?? "", e.Message, replica.Status.Commit, replica.Status.Generation ?? "nothing yet");
                    }
                }

                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica serving commit {Commit} of {Generation}, copied from {Primary}")]
    private partial void LogServing(long commit, string generation, string primary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication refused: {Reason}; still serving commit {Commit} of {Generation}")]
    private partial void LogRefused(string reason, long commit, string generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Primary {Primary} unreachable ({Reason}); still serving commit {Commit} of {Generation}, retrying")]
    private partial void LogUnreachable(string primary, string reason, long commit, string generation);
}
