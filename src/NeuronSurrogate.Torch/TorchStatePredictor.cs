using NeuronSurrogate.Rollout;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>A <see cref="StateSpaceMlp"/> as a one-step predictor for the rollouts (no gradients, one dispose scope per call).</summary>
/// <remarks>Does not own the model.</remarks>
public sealed class TorchStatePredictor(StateSpaceMlp model) : IStatePredictor
{
    public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(states[..(rows * 3)].ToArray(), [rows, 3]);
        var output = model.forward(input);
        output.data<float>().CopyTo(increments[..(rows * 2)]);
    }
}
