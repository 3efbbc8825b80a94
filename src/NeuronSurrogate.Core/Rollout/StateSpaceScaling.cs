namespace NeuronSurrogate.Rollout;

/// <summary>
/// The affine maps of a state-space model, fitted on the training runs: features (v, u, I, v²) are standardized as
/// (x − offset) × scale, and the network's outputs are turned into increments as y × targetScale + targetMean.
/// </summary>
public sealed record StateSpaceScaling(float[] InputOffset, float[] InputScale, float[] TargetMean, float[] TargetScale)
{
    /// <summary>The features of a state: v, u, I and v² (the model's quadratic term, given explicitly).</summary>
    public const int FeatureCount = 4;

    /// <summary>The maps that change nothing: the standardization of a model whose weights already hold it (folded).</summary>
    public static StateSpaceScaling Identity => new(new float[FeatureCount], [1f, 1f, 1f, 1f], [0f, 0f], [1f, 1f]);
}
