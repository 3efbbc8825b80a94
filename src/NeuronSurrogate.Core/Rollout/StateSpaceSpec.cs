using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// What a state-space surrogate is apart from its weights (this kind's <see cref="Features.FeatureSpec"/>): the state it
/// carries and in which order, the features derived from it, the widths of its one-step graph, its time step, the state a
/// closed loop starts from, and the structural peak → reset rule. The samples, the normalizer, the network, the exporter,
/// the rollouts, the predictors and the card all read it from here; the card's <c>state</c> and <c>structural_rule</c>
/// sections are its serialization.
/// </summary>
/// <remarks>
/// The layout is the Izhikevich model's, the one neuron whose equations a state-space surrogate is handed: the state
/// (v, u), the one-step input (v, u, I), the features (v, u, I, v²) and the output (Δv, Δu). A neuron with another state
/// is what the latent surrogate (<see cref="LatentSpec"/>) is for.
/// </remarks>
/// <param name="TimeStepMs">The step the model advances, the data's dt.</param>
/// <param name="InitialVoltageMv">v at the start of a closed loop.</param>
/// <param name="InitialRecovery">u at the start of a closed loop.</param>
/// <param name="Rule">At v ≥ peak: record the peak, v ← reset, u ← u + recovery increment, no model call.</param>
public sealed record StateSpaceSpec(double TimeStepMs, double InitialVoltageMv, double InitialRecovery, SpikeResetRule Rule)
{
    /// <summary>Positions in an input row: v (mV), u, I.</summary>
    public const int Voltage = 0, Recovery = 1, Current = 2;

    /// <summary>The width of an input row (v, u, I).</summary>
    public const int InputWidth = 3;

    /// <summary>The width of an output row (Δv, Δu): one increment per state variable.</summary>
    public const int OutputWidth = 2;

    /// <summary>The width of a feature row: the input and v², the model's quadratic term, given explicitly.</summary>
    public const int FeatureCount = 4;

    /// <summary>The input row's entries, in order.</summary>
    public static IReadOnlyList<string> InputNames { get; } = ["v", "u", "I"];

    /// <summary>The feature row's entries, in order.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = ["v", "u", "I", "v^2"];

    /// <summary>The spec of a surrogate of the neuron <paramref name="simulation"/> simulates, stepping <paramref name="timeStepMs"/>.</summary>
    public static StateSpaceSpec For(IzhikevichSimulationOptions simulation, double timeStepMs)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        return new StateSpaceSpec(timeStepMs, simulation.InitialVoltageMv, simulation.InitialRecovery, SpikeResetRule.For(simulation.Parameters));
    }

    /// <summary>Writes one input row.</summary>
    public static void WriteInput(Span<float> row, double voltageMv, double recovery, float current)
    {
        row[Voltage] = (float)voltageMv;
        row[Recovery] = (float)recovery;
        row[Current] = current;
    }

    /// <summary>The features of one input row: the row itself, then v².</summary>
    public static void WriteFeatures(ReadOnlySpan<float> input, Span<float> features)
    {
        input[..InputWidth].CopyTo(features);
        features[InputWidth] = input[Voltage] * input[Voltage];
    }
}
