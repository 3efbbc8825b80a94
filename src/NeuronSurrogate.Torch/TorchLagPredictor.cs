using NeuronSurrogate.Rollout;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>A <see cref="VoltageLagMlp"/> as a one-step predictor for the voltage-lag rollouts. Does not own the model.</summary>
public sealed class TorchLagPredictor(VoltageLagMlp model) : IOneStepPredictor
{
    public int FeatureCount => model.Spec.Count;

    public void Predict(ReadOnlySpan<float> features, Span<float> outputs, int rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = model.forward(tensor(features[..(rows * FeatureCount)].ToArray(), [rows, FeatureCount]));
        output.data<float>().CopyTo(outputs[..rows]);
    }
}
