namespace InnovationsFr.Api.Tests;

/// <summary>The click log on its own: the window ages clicks out, the file keeps them across restarts, a bad file starts afresh.</summary>
public sealed class ClickLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "ifr-click-tests", Guid.NewGuid().ToString("N"), "clicks.json");
    private readonly Clock _clock = new() { Now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero) };

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ClicksOlderThanTheWindow_AgeOut_OfTheReportAndOfTheJudgments()
    {
        var log = new ClickLog(_path, windowDays: 30, _clock);
        log.Record("Batteries solides", "a1", rank: 4);
        _clock.Now = _clock.Now.AddDays(20);
        log.Record("batteries  solides", "a2", rank: 1);

        var report = log.Report(10);
        Assert.Equal(2, report.Pairs);
        // What /metrics exports as search_clicks (checked here: meters are process-wide in the test run).
        Assert.Equal(2, log.Recorded);
        Assert.Equal(["a1", "a2"], report.Clicks.Select(c => c.Article));
        Assert.Equal(2.0, report.Clicks[0].Weighted);

        _clock.Now = _clock.Now.AddDays(15);
        Assert.Equal(["a2"], log.Report(10).Clicks.Select(c => c.Article));
        Assert.Contains("batteries solides\ta2\t2", log.Judgments());
        Assert.DoesNotContain("a1", log.Judgments());
    }

    [Fact]
    public void TheLog_IsKeptAcrossRestarts_AndAnUnreadableFile_StartsAfresh()
    {
        var log = new ClickLog(_path, windowDays: 90, _clock);
        log.Record("Fusée réutilisable", "a9", rank: 2);
        log.Save();

        var again = new ClickLog(_path, windowDays: 90, _clock);
        var entry = Assert.Single(again.Report(10).Clicks);
        Assert.Equal(("fusée réutilisable", "a9", 1), (entry.Query, entry.Article, entry.Clicks));

        File.WriteAllText(_path, "{ pas du json");
        Assert.Empty(new ClickLog(_path, windowDays: 90, _clock).Report(10).Clicks);
    }

    [Fact]
    public void AClickDeeperInTheList_WeighsMore_UpToRank20() =>
        Assert.Equal([1.0, 2.0, Math.Sqrt(20), Math.Sqrt(20)], new[] { 1, 4, 20, 500 }.Select(ClickLog.Weight));

    public void Dispose()
    {
        var folder = Path.GetDirectoryName(_path)!;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
