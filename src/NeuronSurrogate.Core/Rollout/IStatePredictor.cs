namespace NeuronSurrogate.Rollout;

/// <summary>
/// A state-space one-step model: from the input row of a step (the state and the current, laid out as
/// <see cref="StateSpaceSpec"/> says) to the increments that take the state to the next step, in raw units (mV for v).
/// Normalization, if any, is the model's business.
/// </summary>
public interface IStatePredictor
{
    /// <summary>Predicts <paramref name="rows"/> rows.</summary>
    /// <param name="states">Row-major <c>[rows, StateSpaceSpec.InputWidth]</c>.</param>
    /// <param name="increments">Receives row-major <c>[rows, StateSpaceSpec.OutputWidth]</c>.</param>
    /// <param name="rows">The batch size.</param>
    void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows);
}
