using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace InnovationsFr.Search;

/// <summary>
/// A learned ranking: LambdaMART (ML.NET's FastTree ranking trainer: gradient-boosted trees
/// optimising nDCG) over <see cref="RankingFeatures"/>, and the <see cref="RankingPriors"/> it was
/// learnt with. It re-orders the first stage's top <see cref="Depth"/> candidates. One file (a zip:
/// the ML.NET model, the feature names, the priors), written by <c>InnovationsFr.Indexer
/// learn-ranking</c> and read by the service at start and whenever it changes.
/// </summary>
public sealed class RankingModel
{
    /// <summary>Candidates of the first stage the model re-orders.</summary>
    public const int Depth = 50;

    /// <summary>Articles the judgments suggest for a query (<see cref="RankingPriors"/>) added to the candidates when the first stage missed them.</summary>
    public const int Suggested = 20;

    /// <summary>The least grade × overlap with a judged query for an article to be suggested.</summary>
    internal const double SuggestedOverlap = 0.25;

    internal const int FeatureCount = 24;

    private const string ModelEntry = "model.zip";
    private const string FeaturesEntry = "features.txt";
    private const string PriorsEntry = "priors.tsv";

    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _model;
    private readonly DataViewSchema _schema;
    private readonly ConcurrentBag<PredictionEngine<FeatureRow, ScoreRow>> _engines = [];
    private readonly RankingTrees? _trees;

    private RankingModel(ITransformer model, DataViewSchema schema, RankingPriors? priors, string fingerprint)
    {
        _model = model;
        _trees = RankingTrees.Of(model);
        _schema = schema;
        Priors = priors;
        Fingerprint = fingerprint;
    }

    /// <summary>The priors learnt with the model (null: a model without priors).</summary>
    internal RankingPriors? Priors { get; }

    /// <summary>Names this model in cursors and cached answers: a new model expires both.</summary>
    public string Fingerprint { get; private set; }

    /// <summary>The trees searches walk themselves, or null: ML.NET's engine scores (a model of another kind).</summary>
    internal RankingTrees? Trees => _trees;

    /// <summary>Articles the priors know.</summary>
    public int PriorArticles => Priors?.Count ?? 0;

    static RankingModel()
    {
        if (RankingFeatures.Names.Length != FeatureCount)
        {
            throw new InvalidOperationException("RankingFeatures.Names and RankingModel.FeatureCount disagree");
        }
    }

    /// <summary>Scores of the feature rows (higher first).</summary>
    internal float[] Score(float[][] rows)
    {
        if (_trees != null)
        {
            var scores = new float[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                scores[i] = _trees.Score(rows[i]);
            }

            return scores;
        }

        return ScoreByEngine(rows);
    }

    /// <summary>Scores of the feature rows by ML.NET's prediction engine (what <see cref="RankingTrees"/> is held to).</summary>
    internal float[] ScoreByEngine(float[][] rows)
    {
        if (!_engines.TryTake(out var engine))
        {
            // One engine per concurrent search, kept for the next; made one at a time (an MLContext is not thread-safe).
            lock (_ml)
            {
                engine = _ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(_model, _schema);
            }
        }

        try
        {
            var scores = new float[rows.Length];
            var input = new FeatureRow();
            var output = new ScoreRow();
            for (var i = 0; i < rows.Length; i++)
            {
                input.Features = rows[i];
                engine.Predict(input, ref output);
                scores[i] = output.Score;
            }

            return scores;
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>Reads a model file; a file that is not one, or was learnt over other features, is refused with <see cref="FormatException"/>.</summary>
    public static RankingModel Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            var features = Entry(zip, FeaturesEntry) ?? throw new FormatException($"{path}: not a ranking model (no {FeaturesEntry})");
            using (var reader = new StreamReader(features))
            {
                var names = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (!names.SequenceEqual(RankingFeatures.Names, StringComparer.Ordinal))
                {
                    throw new FormatException($"{path}: learnt over other features ({string.Join(", ", names)}); learn it again with this version");
                }
            }

            RankingPriors? priors = null;
            if (Entry(zip, PriorsEntry) is { } priorsStream)
            {
                using var reader = new StreamReader(priorsStream);
                priors = RankingPriors.Read(reader);
            }

            using var modelStream = new MemoryStream();
            using (var model = Entry(zip, ModelEntry) ?? throw new FormatException($"{path}: not a ranking model (no {ModelEntry})"))
            {
                model.CopyTo(modelStream);
            }

            modelStream.Position = 0;
            var ml = new MLContext(seed: 1);
            var transformer = ml.Model.Load(modelStream, out var schema);
            return new RankingModel(transformer, schema, priors, Convert.ToHexString(SHA256.HashData(bytes))[..12].ToLowerInvariant());
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"{path}: not a ranking model ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"{path}: not a ranking model ({e.Message})", e);
        }
    }

    /// <summary>Writes the model file (to a temporary name first, then moved over <paramref name="path"/>: a service reading it never sees half a file).</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        using (var file = File.Create(temporary))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry(FeaturesEntry).Open()))
            {
                writer.Write(string.Join('\n', RankingFeatures.Names) + "\n");
            }

            if (Priors != null)
            {
                using var writer = new StreamWriter(zip.CreateEntry(PriorsEntry).Open());
                Priors.Write(writer);
            }

            using var model = zip.CreateEntry(ModelEntry).Open();
            using var buffer = new MemoryStream();
            _ml.Model.Save(_model, _schema, buffer);
            buffer.Position = 0;
            buffer.CopyTo(model);
        }

        File.Move(temporary, path, overwrite: true);
        Fingerprint = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))[..12].ToLowerInvariant();
    }

    /// <summary>Learns a model from examples: per query, its candidates' features and grades (0: not judged relevant).</summary>
    internal static RankingModel Learn(IReadOnlyList<RankingExample> examples, RankingPriors? priors, RankingTraining training)
    {
        var groups = new Dictionary<string, uint>(StringComparer.Ordinal);
        var rows = new List<TrainingRow>();
        foreach (var example in examples)
        {
            if (!groups.TryGetValue(example.Query, out var group))
            {
                group = groups[example.Query] = (uint)groups.Count + 1;
            }

            var features = (float[])example.Features.Clone();
            if (priors == null)
            {
                foreach (var i in RankingFeatures.PriorFeatures)
                {
                    features[i] = 0;
                }
            }

            rows.Add(new TrainingRow { Label = example.Grade, GroupId = group, Features = features });
        }

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows, SchemaFor(groups.Count + 1));
        var trainer = ml.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
        {
            LabelColumnName = nameof(TrainingRow.Label),
            FeatureColumnName = nameof(TrainingRow.Features),
            RowGroupColumnName = nameof(TrainingRow.GroupId),
            NumberOfTrees = training.Trees,
            NumberOfLeaves = training.Leaves,
            MinimumExampleCountPerLeaf = training.MinimumExamplesPerLeaf,
            LearningRate = training.LearningRate,
            FeatureFraction = 0.8,
            Shrinkage = 1,
            NumberOfThreads = 1,
            Seed = 1,
        });
        var model = trainer.Fit(data);
        var inputSchema = ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>()).Schema;
        return new RankingModel(model, inputSchema, priors, "unsaved");
    }

    private static SchemaDefinition SchemaFor(int groups)
    {
        var schema = SchemaDefinition.Create(typeof(TrainingRow));
        schema[nameof(TrainingRow.GroupId)].ColumnType = new KeyDataViewType(typeof(uint), groups);
        return schema;
    }

    private static Stream? Entry(ZipArchive zip, string name) => zip.GetEntry(name)?.Open();

    private sealed class TrainingRow
    {
        public float Label { get; set; }

        public uint GroupId { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class FeatureRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}

/// <summary>One candidate of one training query: its features and grade.</summary>
internal sealed record RankingExample(string Query, string Article, float Grade, float[] Features);

/// <summary>The trees' shape (defaults tuned on the cdtn-datafiller dev split).</summary>
public sealed record RankingTraining
{
    public int Trees { get; init; } = 200;

    public int Leaves { get; init; } = 16;

    public int MinimumExamplesPerLeaf { get; init; } = 20;

    public double LearningRate { get; init; } = 0.1;
}
