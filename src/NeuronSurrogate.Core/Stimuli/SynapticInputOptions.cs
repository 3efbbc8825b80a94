using System.Globalization;

namespace NeuronSurrogate.Stimuli;

/// <summary>
/// Beniaguev-style synaptic input statistics (Beniaguev, Segev and London 2021; issue 24), per trace:
/// an excitatory population rate, piecewise constant over segments of log-uniform length, each segment's value
/// uniform up to a per-trace ceiling, smoothed by a Gaussian of log-uniform width; inhibition = excitation + a
/// per-trace offset (at least 0); each synapse's rate is the population rate times a gain U(gain range) × its
/// segment's length / the mean length of its kind; spikes are Bernoulli per recording step, seeded per
/// (seed, run, neuron, synapse). Rates are per synapse, Hz. The defaults are calibrated on the synaptic pyramidal
/// cell (README, "Synaptic inputs"): over 40 traces of 2 s the soma fires 0–28 Hz, median 3.5 Hz.
/// </summary>
public sealed record SynapticInputOptions
{
    /// <summary>Shortest and longest piecewise-constant segment, ms (log-uniform between).</summary>
    public double SegmentMinMs { get; init; } = 25;
    public double SegmentMaxMs { get; init; } = 450;

    /// <summary>Narrowest and widest smoothing Gaussian's σ, ms (log-uniform between, one per trace).</summary>
    public double SmoothingMinMs { get; init; } = 25;
    public double SmoothingMaxMs { get; init; } = 600;

    /// <summary>The per-trace excitatory ceiling per synapse is uniform between these, Hz.</summary>
    public double CeilingMinHz { get; init; } = 12;
    public double CeilingMaxHz { get; init; } = 45;

    /// <summary>Inhibition = excitation + U(shift − offset, shift + offset), Hz, one offset per trace.</summary>
    public double InhibitionOffsetHz { get; init; } = 10;

    /// <summary>The centre of the inhibition's offset, Hz. Defaults to 0 (inhibition tracks excitation).</summary>
    public double InhibitionShiftHz { get; init; }

    /// <summary>The named statistics <c>generate --synaptic-statistics</c> offers: the training statistics and two held out of training.</summary>
    public static IReadOnlyDictionary<string, SynapticInputOptions> Named { get; } = new Dictionary<string, SynapticInputOptions>
    {
        // The calibrated defaults: rates that change every 25–450 ms.
        ["beniaguev"] = new(),
        // One rate per trace for its whole length (a single segment): no rate changes to follow.
        ["constant"] = new() { SegmentMinMs = 1e6, SegmentMaxMs = 1e6 },
        // Inhibition 10–30 Hz above excitation per synapse, and higher excitatory ceilings so that the cell still fires.
        ["inhibition-dominated"] = new() { InhibitionShiftHz = 20, CeilingMinHz = 25, CeilingMaxHz = 70 },
    };

    /// <summary>Each synapse's gain is uniform between these, before the scaling by segment length.</summary>
    public double GainMin { get; init; } = 0.5;
    public double GainMax { get; init; } = 1.5;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad setting.</summary>
    public SynapticInputOptions Validate()
    {
        Range(SegmentMinMs, SegmentMaxMs, "segment length (ms)", strictlyPositive: true);
        Range(SmoothingMinMs, SmoothingMaxMs, "smoothing sigma (ms)", strictlyPositive: true);
        Range(CeilingMinHz, CeilingMaxHz, "excitatory ceiling (Hz)", strictlyPositive: false);
        Range(GainMin, GainMax, "synapse gain", strictlyPositive: false);
        if (!(InhibitionOffsetHz >= 0) || double.IsInfinity(InhibitionOffsetHz))
        {
            throw new ArgumentOutOfRangeException(nameof(InhibitionOffsetHz), InhibitionOffsetHz, "an inhibition offset ≥ 0 Hz");
        }
        if (!double.IsFinite(InhibitionShiftHz))
        {
            throw new ArgumentOutOfRangeException(nameof(InhibitionShiftHz), InhibitionShiftHz, "a finite inhibition shift (Hz)");
        }
        return this;

        static void Range(double low, double high, string what, bool strictlyPositive)
        {
            if (!(low >= 0) || (strictlyPositive && low == 0) || !(high >= low) || double.IsInfinity(high))
            {
                throw new ArgumentOutOfRangeException(what, string.Create(CultureInfo.InvariantCulture,
                    $"{what} from {low} to {high}: expected finite bounds, {(strictlyPositive ? "> 0" : "≥ 0")}, the first at most the second"));
            }
        }
    }
}
