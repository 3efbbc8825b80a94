using NeuronSurrogate.Rollout;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// A <see cref="StateSpaceMlp"/> as a one-step predictor for the rollouts: inference mode, one dispose scope per call,
/// the states copied straight into a torch tensor and the increments straight out (no managed array per call).
/// </summary>
/// <remarks>Does not own the model.</remarks>
public sealed class TorchStatePredictor(StateSpaceMlp model) : IStatePredictor
{
    public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var input = empty(rows, StateSpaceSpec.InputWidth);
        using (var data = input.data<float>())
        {
            data.CopyFrom(states[..(rows * StateSpaceSpec.InputWidth)]);
        }
        var output = model.forward(input);
        using (var data = output.data<float>())
        {
            data.CopyTo(increments[..(rows * StateSpaceSpec.OutputWidth)]);
        }
    }
}
