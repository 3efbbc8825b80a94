namespace NeuronSurrogate.Rollout;

/// <summary>
/// A state-space one-step model: from the state (v, u) and the current I of a step to the increments (Δv, Δu) that
/// take the state to the next step, in raw units (mV for v). Normalization, if any, is the model's business.
/// </summary>
public interface IStatePredictor
{
    /// <summary>Predicts <paramref name="rows"/> rows.</summary>
    /// <param name="states">Row-major <c>[rows, 3]</c>: v (mV), u, I.</param>
    /// <param name="increments">Receives row-major <c>[rows, 2]</c>: Δv (mV), Δu.</param>
    /// <param name="rows">The batch size.</param>
    void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows);
}
