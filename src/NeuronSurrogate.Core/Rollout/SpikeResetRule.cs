using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// The structural rule of the Izhikevich recording (DESIGN sections 3 and 4), applied to a model's output: a step
/// after a recorded peak is the reset c, whatever the model says; a prediction at or above the peak is recorded as
/// the peak. It is part of the model: written in its card and applied identically in every rollout.
/// </summary>
/// <param name="PeakMv">The spike apex, 30 mV.</param>
/// <param name="ResetMv">The reset value c of the neuron the model was trained on.</param>
/// <param name="RecoveryIncrement">The jump d of the recovery variable at a reset (used by state-space models).</param>
public sealed record SpikeResetRule(double PeakMv, double ResetMv, double RecoveryIncrement = 0)
{
    /// <summary>The rule of a neuron with parameters <paramref name="parameters"/>.</summary>
    public static SpikeResetRule For(IzhikevichParameters parameters) => new(IzhikevichModel.PeakMv, parameters.C, parameters.D);

    /// <summary>The recorded V(t) given the recorded V(t−1) and the model's V(t).</summary>
    public double Apply(double previousMv, double predictedMv) =>
        previousMv >= PeakMv ? ResetMv : predictedMv >= PeakMv ? PeakMv : predictedMv;
}
