using System.Diagnostics;
using System.Threading.Channels;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace InnovationsFr.Search;

/// <summary>
/// Builds a whole index from corpus files into a fresh generation folder, and makes it live only
/// when it is complete. A build that is interrupted, killed or fails leaves the live index as it was.
/// </summary>
public static class IndexBuilder
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);

    public static async Task<BuildReport> BuildAsync(
        IndexFolder folder,
        IReadOnlyList<string> corpusFiles,
        BuildOptions? options = null,
        IProgress<BuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new BuildOptions();
        var clock = Stopwatch.StartNew();
        foreach (var file in corpusFiles)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"corpus file not found: {file}", file);
            }
        }

        using var buildLock = folder.TryLockForBuild();
        if (buildLock == null)
        {
            return new BuildReport(BuildOutcome.Busy, 0, 0, 0, clock.Elapsed, [], null);
        }

        var previous = folder.CurrentGeneration;
        var generation = folder.NewGenerationPath();
        var state = new BuildState(corpusFiles.Sum(f => new FileInfo(f).Length));
        var published = false;
        try
        {
            using (var directory = new MappedDirectory(generation))
            using (var writer = new IndexWriter(directory, WriterConfig(options)))
            {
                var channel = Channel.CreateBounded<Article>(new BoundedChannelOptions(2048) { SingleWriter = true });
                var consumers = Enumerable.Range(0, Math.Max(1, options.IndexingThreads))
                    .Select(_ => Task.Run(() => AddDocumentsAsync(channel.Reader, writer, options.TagAliases, state, cancellationToken), cancellationToken))
                    .ToArray();
                var refused = false;
                try
                {
                    refused = await ReadCorpusAsync(corpusFiles, options, channel.Writer, state, progress, clock, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    channel.Writer.TryComplete();
                    await Task.WhenAll(consumers).ConfigureAwait(false);
                }

                if (refused)
                {
                    return state.Report(BuildOutcome.RefusedBadRecords, clock, null);
                }

                if (state.Articles == 0)
                {
                    return state.Report(BuildOutcome.NoArticles, clock, null);
                }

                cancellationToken.ThrowIfCancellationRequested();
                // The admin journal goes over the corpus: what editors published, corrected or
                // withdrew through the API survives a rebuild. The commit records how far it went.
                var applied = ApplyJournal(folder, writer, options.TagAliases, out var sequence);
                state.JournalChanges = applied;
                writer.SetCommitData(CommitData.Of(sequence));
                // No ForceMerge: it cost a quarter of the build time, and the tiered merge policy
                // already keeps the segment count low enough for searching.
                writer.Commit();
            }

            progress?.Report(state.Progress(clock));
            // The index carries the aliases it was built with: searches resolve filters the same way.
            await File.WriteAllTextAsync(Path.Combine(generation, TagAliases.FileName), options.TagAliases.Text, cancellationToken).ConfigureAwait(false);
            folder.Publish(generation);
            published = true;
            folder.RemoveOldGenerations(previous);
            return state.Report(BuildOutcome.Published, clock, generation);
        }
        finally
        {
            if (!published)
            {
                IndexFolder.TryDelete(generation);
            }
        }
    }

    /// <summary>Applies the latest record of each article in the folder's journal; returns how many, and the last sequence number.</summary>
    private static long ApplyJournal(IndexFolder folder, IndexWriter writer, TagAliases aliases, out long sequence)
    {
        sequence = 0;
        long applied = 0;
        foreach (var entry in Journal.ReadLatest(Journal.PathIn(folder.Root), 0))
        {
            Apply(writer, entry.Change, aliases);
            sequence = Math.Max(sequence, entry.Sequence);
            applied++;
        }

        return applied;
    }

    /// <summary>One change to a writer: an upsert replaces the article with that id, a delete removes it.</summary>
    internal static void Apply(IndexWriter writer, IndexChange change, TagAliases aliases)
    {
        var id = new Term(ArticleDocument.Id, change.Id);
        if (change.Article is { } article)
        {
            writer.UpdateDocument(id, ArticleDocument.ToDocument(article, aliases));
        }
        else
        {
            writer.DeleteDocuments(id);
        }
    }

    internal static IndexWriterConfig WriterConfig(BuildOptions options) =>
        new(FrenchAnalysis.Version, IndexAnalyzer.Instance)
        {
            OpenMode = OpenMode.CREATE,
            Codec = IndexFormat.Codec,
            Similarity = new BM25Similarity(),
            RAMBufferSizeMB = options.RamBufferMb,
            MaxThreadStates = Math.Max(1, options.IndexingThreads),
        };

    private static async Task<bool> ReadCorpusAsync(
        IReadOnlyList<string> corpusFiles,
        BuildOptions options,
        ChannelWriter<Article> output,
        BuildState state,
        IProgress<BuildProgress>? progress,
        Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lastReport = TimeSpan.Zero;
        long bytesBefore = 0;
        foreach (var file in corpusFiles)
        {
            using var reader = new CorpusReader(file);
            foreach (var entry in reader.ReadAll())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var problem = entry.Problem;
                if (entry.Article is { } article && !ids.Add(article.Id))
                {
                    problem = $"duplicate id '{article.Id}' (first occurrence kept)";
                }

                if (problem != null)
                {
                    state.AddProblem(new CorpusProblem(entry.File, entry.Line, problem));
                    if (options.Strict)
                    {
                        return true;
                    }

                    continue;
                }

                await output.WriteAsync(entry.Article!, cancellationToken).ConfigureAwait(false);
                state.BytesRead = bytesBefore + reader.BytesRead;
                if (progress != null && clock.Elapsed - lastReport >= ProgressEvery)
                {
                    lastReport = clock.Elapsed;
                    progress.Report(state.Progress(clock));
                }
            }

            bytesBefore += reader.TotalBytes;
            state.BytesRead = bytesBefore;
        }

        return false;
    }

    private static async Task AddDocumentsAsync(ChannelReader<Article> input, IndexWriter writer, TagAliases aliases, BuildState state, CancellationToken cancellationToken)
    {
        await foreach (var article in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            writer.AddDocument(ArticleDocument.ToDocument(article, aliases));
            state.CountArticle();
        }
    }

    private sealed class BuildState(long totalBytes)
    {
        private readonly List<CorpusProblem> _problems = [];
        private long _articles;
        private long _skipped;

        public long Articles => Interlocked.Read(ref _articles);

        public long BytesRead { get; set; }

        public long JournalChanges { get; set; }

        public void CountArticle() => Interlocked.Increment(ref _articles);

        public void AddProblem(CorpusProblem problem)
        {
            _skipped++;
            if (_problems.Count < BuildReport.MaxListedProblems)
            {
                _problems.Add(problem);
            }
        }

        public BuildProgress Progress(Stopwatch clock) => new(Articles, _skipped, BytesRead, totalBytes, clock.Elapsed);

        public BuildReport Report(BuildOutcome outcome, Stopwatch clock, string? generation) =>
            new(outcome, Articles, _skipped, BytesRead, clock.Elapsed, _problems.ToArray(), generation) { JournalChanges = JournalChanges };
    }
}
