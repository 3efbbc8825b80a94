using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// Fits standardizations with ML.NET's mean–variance normalizer (<c>fixZero: false</c>, so it centres), on training
/// rows only, and hands back the affine maps so that a TorchSharp model and its ONNX graph can apply them.
/// </summary>
public static class StateNormalizer
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float[] Targets { get; set; } = [];
    }

    /// <summary>The state-space model's maps: the features (<see cref="StateSpaceSpec.WriteFeatures"/>) and the increments of the training rows.</summary>
    public static StateSpaceScaling Fit(MLContext ml, float[] states, float[] increments)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(increments);
        const int input = StateSpaceSpec.InputWidth, width = StateSpaceSpec.FeatureCount;
        int rows = states.Length / input;
        var features = new float[rows * width];
        for (int r = 0; r < rows; r++)
        {
            StateSpaceSpec.WriteFeatures(states.AsSpan(r * input, input), features.AsSpan(r * width, width));
        }
        var (offset, scale, mean, targetScale) = Fit(ml, features, width, increments, StateSpaceSpec.OutputWidth);
        return new StateSpaceScaling(offset, scale, mean, targetScale);
    }

    /// <summary>
    /// Any model's maps: features are standardized as (x − offset) × scale, and outputs y become targets as
    /// y × targetScale + targetMean.
    /// </summary>
    public static (float[] Offset, float[] Scale, float[] TargetMean, float[] TargetScale) Fit(MLContext ml, float[] features, int width, float[] targets, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        int rows = features.Length / width;
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        schema[nameof(Row.Targets)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, targetWidth);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new Row
        {
            Features = features.AsSpan(r * width, width).ToArray(),
            Targets = targets.AsSpan(r * targetWidth, targetWidth).ToArray(),
        }), schema);
        var normalizer = ml.Transforms.NormalizeMeanVariance(
            [new InputOutputColumnPair(nameof(Row.Features)), new InputOutputColumnPair(nameof(Row.Targets))], fixZero: false).Fit(data);
        var x = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)normalizer.GetNormalizerModelParameters(0);
        var y = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)normalizer.GetNormalizerModelParameters(1);
        // ML.NET maps x to (x − offset) × scale; the targets are mapped back with y / scale + offset.
        return ([.. x.Offset], [.. x.Scale], [.. y.Offset], y.Scale.Select(s => 1 / s).ToArray());
    }
}
