namespace NeuronSurrogate.Rollout;

/// <summary>
/// The stems of the constants in a latent one-step graph (an initializer is named <c>STEM_N</c>): what the exporter
/// writes and what an engine that reads the graph's weights looks for.
/// </summary>
public static class LatentGraphNames
{
    /// <summary>exp(−dt/τ) of the voltage memory, its gain 1 − a, and exp(−dt/τ) of the spike memory.</summary>
    public const string VoltageDecay = "decay_v", VoltageGain = "gain_v", SpikeDecay = "decay_s";

    /// <summary>For k &gt; 1: decay^(k−1) and the [k−1, n] fold map of each memory.</summary>
    public const string VoltageSpan = "span_v", VoltageFold = "fold_v", SpikeSpan = "span_s", SpikeFold = "fold_s";

    /// <summary>The spike threshold (mV) and the structural rule's peak and reset (mV).</summary>
    public const string Threshold = "threshold", PeakMv = "peak_mv", ResetMv = "reset_mv";

    /// <summary>A synaptic model's projection Wᵀ [S, R] and its input traces' decay e and gain 1 − e, tiled [R × M].</summary>
    public const string InputProjection = "input_projection", InputDecay = "decay_in", InputGain = "gain_in";

    /// <summary>The stem of a constant's name: the name without its <c>_N</c> suffix.</summary>
    public static string StemOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int underscore = name.LastIndexOf('_');
        return underscore > 0 && name[(underscore + 1)..].All(char.IsAsciiDigit) ? name[..underscore] : name;
    }
}
