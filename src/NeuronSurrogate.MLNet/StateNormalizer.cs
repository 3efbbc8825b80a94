using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.MLNet;

/// <summary>Fits a state-space model's standardization with ML.NET's mean–variance normalizer, on training rows only.</summary>
public static class StateNormalizer
{
    private sealed class Row
    {
        [VectorType(StateSpaceScaling.FeatureCount)] public float[] Features { get; set; } = [];
        [VectorType(2)] public float[] Targets { get; set; } = [];
    }

    /// <summary>
    /// Fits <c>NormalizeMeanVariance(fixZero: false)</c> (so it centres) on the features (v, u, I, v²) and on the targets
    /// (Δv, Δu) of the training rows, and returns the fitted affine maps.
    /// </summary>
    public static StateSpaceScaling Fit(MLContext ml, float[] states, float[] increments)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(increments);
        int rows = states.Length / 3;
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new Row
        {
            Features = [states[3 * r], states[3 * r + 1], states[3 * r + 2], states[3 * r] * states[3 * r]],
            Targets = [increments[2 * r], increments[2 * r + 1]],
        }));
        var normalizer = ml.Transforms.NormalizeMeanVariance(
            [new InputOutputColumnPair("Features"), new InputOutputColumnPair("Targets")], fixZero: false).Fit(data);
        var features = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)normalizer.GetNormalizerModelParameters(0);
        var targets = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)normalizer.GetNormalizerModelParameters(1);
        // ML.NET maps x to (x − offset) × scale; the targets are mapped back with y / scale + offset.
        return new StateSpaceScaling(
            [.. features.Offset], [.. features.Scale],
            [.. targets.Offset], targets.Scale.Select(s => 1 / s).ToArray());
    }
}
