using InnovationsFr.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;

namespace InnovationsFr.Search.Tests.Indexing;

public class BackgroundMergeSchedulerTests
{
    [Fact]
    public void Merges_RunAtALowerPriority_OnTheirOwnThreadOnly()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // thread priorities are set on Linux only (the service's machines)
        }

        int? mergeNice = null;
        var thread = new Thread(() =>
        {
            if (BackgroundMergeScheduler.LowerCurrentThread())
            {
                mergeNice = CurrentThreadNice();
            }
        });
        thread.Start();
        thread.Join();

        Assert.Equal(BackgroundMergeScheduler.Niceness, mergeNice);
        Assert.Equal(0, CurrentThreadNice());
    }

    [Fact]
    public void Segments_MergedThroughIt_KeepEveryDocument()
    {
        using var directory = new RAMDirectory();
        var config = new IndexWriterConfig(FrenchAnalysis.Version, FrenchAnalysis.Stemmed) { MergeScheduler = new BackgroundMergeScheduler() };
        using (var writer = new IndexWriter(directory, config))
        {
            for (var segment = 0; segment < 4; segment++)
            {
                for (var n = 0; n < 25; n++)
                {
                    writer.AddDocument([new StringField("id", $"{segment}-{n}", Field.Store.YES)]);
                }

                writer.Commit();
            }

            writer.ForceMerge(1);
            writer.Commit();
        }

        using var reader = DirectoryReader.Open(directory);
        Assert.Single(reader.Leaves);
        Assert.Equal(100, reader.NumDocs);
    }

    /// <summary>The nice value of the calling thread (field 19 of /proc/thread-self/stat).</summary>
    private static int CurrentThreadNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
