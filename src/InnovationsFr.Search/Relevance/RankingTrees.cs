using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace InnovationsFr.Search;

/// <summary>
/// A learned model's trees walked directly over a feature row: ML.NET's prediction engine costs about
/// 2 µs a row (a data view per call), these arrays a fraction of that. Only the walk is ours (each
/// node: left when the feature is ≤ its threshold; the leaves' values weighted and summed with the
/// bias in double, as ML.NET's ensemble sums them); the trees are ML.NET's, and a differential test
/// holds every score to its prediction engine's.
/// </summary>
internal sealed class RankingTrees
{
    private readonly Tree[] _trees;
    private readonly double[] _weights;
    private readonly double _bias;

    private RankingTrees(Tree[] trees, double[] weights, double bias)
    {
        _trees = trees;
        _weights = weights;
        _bias = bias;
    }

    private sealed record Tree(int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] Leaves);

    /// <summary>The trees of a FastTree ranking model, or null when <paramref name="model"/> is another kind (or splits on categories) and ML.NET must score it.</summary>
    public static RankingTrees? Of(ITransformer model)
    {
        if (model is not RankingPredictionTransformer<FastTreeRankingModelParameters> ranking)
        {
            return null;
        }

        var ensemble = ranking.Model.TrainedTreeEnsemble;
        var trees = new Tree[ensemble.Trees.Count];
        for (var i = 0; i < trees.Length; i++)
        {
            var tree = ensemble.Trees[i];
            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                return null;
            }

            trees[i] = new Tree([.. tree.LeftChild], [.. tree.RightChild], [.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds], [.. tree.LeafValues]);
        }

        return new RankingTrees(trees, [.. ensemble.TreeWeights], ensemble.Bias);
    }

    /// <summary>Every split: the feature it reads and its threshold (for tests at the boundaries).</summary>
    internal IEnumerable<(int Feature, float Threshold)> Splits =>
        _trees.SelectMany(t => t.Feature.Zip(t.Threshold));

    /// <summary>The model's score of one feature row.</summary>
    public float Score(float[] row)
    {
        var sum = 0.0;
        for (var t = 0; t < _trees.Length; t++)
        {
            var tree = _trees[t];
            var leaves = tree.Leaves;
            if (tree.Left.Length == 0)
            {
                // A tree of one leaf.
                sum += _weights[t] * leaves[0];
                continue;
            }

            var node = 0;
            while (node >= 0)
            {
                node = row[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
            }

            sum += _weights[t] * leaves[~node];
        }

        return (float)(sum + _bias);
    }
}
