using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// ML.NET's FastTree (gradient-boosted regression trees) on the causal lag features, behind a mean–variance
/// normalizer fitted on the training rows only; exportable with ML.NET's ONNX converter.
/// </summary>
public static class FastTreeBaseline
{
    /// <summary>Fits normalizer + FastTree on <paramref name="trainFeatures"/> (a <see cref="FeatureDataView"/>).</summary>
    public static ITransformer Fit(MLContext ml, IDataView trainFeatures, FastTreeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(settings);
        var pipeline = ml.Transforms.NormalizeMeanVariance(FeatureDataView.FeaturesColumn, fixZero: false)
            .Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                FeatureColumnName = FeatureDataView.FeaturesColumn,
                LabelColumnName = FeatureDataView.LabelColumn,
                NumberOfTrees = settings.Trees,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinimumExamplesPerLeaf,
                // One thread: the same data and seed give the same trees on any machine.
                NumberOfThreads = 1,
            }));
        return pipeline.Fit(trainFeatures);
    }

    /// <summary>
    /// Writes the fitted pipeline as ONNX with ML.NET's converter (through a temporary file). ML.NET makes every column of
    /// <paramref name="sample"/> a required input — here <c>Features</c> <c>[N, F]</c> and the unused <c>Label</c> <c>[N, 1]</c> —
    /// and suffixes its outputs with <c>.output</c>: the score is <c>Score.output</c>.
    /// </summary>
    public static void ExportOnnx(MLContext ml, ITransformer model, IDataView sample, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        AtomicFile.Write(path, stream => ml.Model.ConvertToOnnx(model, sample, stream));
    }
}
