using Microsoft.ML;
using Microsoft.ML.Data;
using NeuronSurrogate.Features;

namespace NeuronSurrogate.MLNet;

/// <summary>One training example: the causal features of a step and its target.</summary>
public sealed class FeatureRow
{
    /// <summary>The features, in the <see cref="FeatureSpec"/>'s order.</summary>
    public float[] Features { get; set; } = [];

    /// <summary>The target: V(t) or its increment.</summary>
    public float Label { get; set; }
}
