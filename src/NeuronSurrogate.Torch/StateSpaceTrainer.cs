using NeuronSurrogate.Rollout;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Trains a <see cref="StateSpaceMlp"/> with Adam on mini-batches and a cosine learning-rate schedule, evaluates it in
/// closed loop on the validation runs after every epoch, keeps the best weights by closed-loop Γ (then subthreshold
/// RMSE), and stops early when that score stops improving. Deterministic for a seed on a given machine.
/// </summary>
public static class StateSpaceTrainer
{
    /// <summary>Trains a model.</summary>
    /// <param name="settings">Architecture and schedule.</param>
    /// <param name="scaling">The standardization fitted on the training rows.</param>
    /// <param name="states">Training input rows (see <see cref="StateSpaceSamples"/>).</param>
    /// <param name="increments">Training targets, one increment row per input row.</param>
    /// <param name="validate">Scores a model in closed loop on the validation runs: (Γ, subthreshold RMSE).</param>
    /// <param name="progress">Called after every epoch.</param>
    /// <returns>The model with its best weights, and the history. The caller owns (disposes) the model.</returns>
    public static (StateSpaceMlp Model, IReadOnlyList<EpochReport> History) Train(MlpSettings settings, StateSpaceScaling scaling,
        float[] states, float[] increments, Func<StateSpaceMlp, (double Gamma, double RmseSubthresholdMv)> validate, Action<EpochReport>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(increments);
        ArgumentNullException.ThrowIfNull(validate);
        settings.Validate();
        TorchRuntime.Initialize(settings.Threads);
        random.manual_seed(settings.Seed);
        int rows = states.Length / StateSpaceSpec.InputWidth;
        if (rows == 0 || increments.Length != rows * StateSpaceSpec.OutputWidth)
        {
            throw new ArgumentException($"{states.Length} state values and {increments.Length} increments do not make training rows");
        }
        var model = new StateSpaceMlp(settings, scaling);
        try
        {
            return (model, MlpTrainer.Train(model, model, states, increments, rows, settings, () => validate(model), progress));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
