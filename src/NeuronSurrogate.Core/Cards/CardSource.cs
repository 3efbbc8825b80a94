using System.Text.Json.Serialization;

namespace NeuronSurrogate.Cards;

/// <summary>What a model learned from: the traces file, and the neuron behind it where the project simulated it.</summary>
public sealed record CardSource
{
    /// <summary>The training traces CSV.</summary>
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    /// <summary>The neuron model's name (izhikevich, hh, neuron), or null for traces from elsewhere.</summary>
    [JsonPropertyName("neuron")] public string? Neuron { get; init; }

    /// <summary>The neuron, its parameters and integrator, in words.</summary>
    [JsonPropertyName("description")] public string Description { get; init; } = "";

    /// <summary>How the training stimuli were made.</summary>
    [JsonPropertyName("stimulus")] public string Stimulus { get; init; } = "";
}
