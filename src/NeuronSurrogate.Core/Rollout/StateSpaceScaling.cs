namespace NeuronSurrogate.Rollout;

/// <summary>
/// The affine maps of a state-space model, fitted on the training runs: the features (<see cref="StateSpaceSpec.FeatureNames"/>)
/// are standardized as (x − offset) × scale, and the network's outputs are turned into increments as
/// y × targetScale + targetMean.
/// </summary>
public sealed record StateSpaceScaling(float[] InputOffset, float[] InputScale, float[] TargetMean, float[] TargetScale)
{
    /// <summary>The maps that change nothing: the standardization of a model whose weights already hold it (folded).</summary>
    public static StateSpaceScaling Identity => new(
        new float[StateSpaceSpec.FeatureCount], Ones(StateSpaceSpec.FeatureCount), new float[StateSpaceSpec.OutputWidth], Ones(StateSpaceSpec.OutputWidth));

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();
}
