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

    /// <summary>
    /// The rule the traces themselves show, for models that are not handed the neuron's equations: the largest recorded
    /// voltage is a peak when it occurs at least <paramref name="minimumPeaks"/> times and every occurrence that has a
    /// successor is followed by one and the same lower value, the reset. Null when the data show no such rule (as for
    /// Hodgkin–Huxley and NEURON cells, whose spikes have no fixed apex).
    /// </summary>
    /// <param name="traces">The training traces.</param>
    /// <param name="minimumPeaks">How often the peak must be seen before it is believed.</param>
    public static SpikeResetRule? FromTraces(Data.TraceSet traces, int minimumPeaks = 10)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var voltages = traces.VoltagesMv;
        if (voltages.Length == 0)
        {
            return null;
        }
        double peak = voltages.Max();
        double? reset = null;
        int seen = 0;
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var v = traces.Trace(voltages, trace);
            for (int t = 0; t < v.Length; t++)
            {
                if (v[t] != peak)
                {
                    continue;
                }
                seen++;
                if (t + 1 < v.Length)
                {
                    reset ??= v[t + 1];
                    if (v[t + 1] != reset.Value)
                    {
                        return null;
                    }
                }
            }
        }
        return seen >= minimumPeaks && reset is double r && r < peak ? new SpikeResetRule(peak, r) : null;
    }

    /// <summary>The recorded V(t) given the recorded V(t−1) and the model's V(t).</summary>
    public double Apply(double previousMv, double predictedMv) =>
        previousMv >= PeakMv ? ResetMv : predictedMv >= PeakMv ? PeakMv : predictedMv;
}
