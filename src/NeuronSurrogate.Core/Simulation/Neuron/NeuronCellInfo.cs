using System.Text.Json.Serialization;

namespace NeuronSurrogate.Simulation;

/// <summary>What the driver's <c>describe</c> reports of a cell file.</summary>
public sealed record NeuronCellInfo
{
    /// <summary>The CSV current columns the cell has injection sites for, <c>current</c> first.</summary>
    [JsonPropertyName("inject")] public IReadOnlyList<string> Inject { get; init; } = [];

    /// <summary>The cell's solver step, ms.</summary>
    [JsonPropertyName("dt")] public double SolverStepMs { get; init; }

    /// <summary>The initial potential, mV.</summary>
    [JsonPropertyName("v_init")] public double InitialVoltageMv { get; init; }

    /// <summary>The temperature, °C.</summary>
    [JsonPropertyName("celsius")] public double Celsius { get; init; }

    /// <summary>The largest current of the mixed stimulus family, nA (the cell file's <c>mixed_max_current</c>, else 1 nA).</summary>
    [JsonPropertyName("mixed_max_current")] public double MixedMaxCurrentNa { get; init; }

    /// <summary>Whether each call of the cell file's build(h) makes an independent copy, so NEURON runs up to 100 traces in one simulation.</summary>
    [JsonPropertyName("reentrant")] public bool Reentrant { get; init; }

    /// <summary>Sections in the cell.</summary>
    [JsonPropertyName("sections")] public int Sections { get; init; }

    /// <summary>Segments (compartments) in the cell.</summary>
    [JsonPropertyName("segments")] public int Segments { get; init; }

    /// <summary>The compiled library of the cell file's MECHANISMS folder, loaded in every NEURON process; empty when it names none.</summary>
    [JsonPropertyName("mechanisms")] public string Mechanisms { get; init; } = "";

    /// <summary>The cell's synapse table (its <c>synapses</c>, in id order); empty for a cell driven by currents alone.</summary>
    [JsonPropertyName("synapses")] public IReadOnlyList<SynapseInfo> Synapses { get; init; } = [];

    /// <summary>NEURON's version string.</summary>
    [JsonPropertyName("neuron")] public string NeuronVersion { get; init; } = "";
}
