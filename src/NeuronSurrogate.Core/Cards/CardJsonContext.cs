using System.Text.Json;
using System.Text.Json.Serialization;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cards;

/// <summary>
/// Source-generated JSON metadata for what the command line reads and writes (the cards, the metrics, the NEURON
/// driver's cell description), with the options of <see cref="VoltageLagModelCard.JsonOptions"/>: the tool then needs
/// no reflection to read a card, and compiles with Native AOT. Writing a card's free-form <c>training</c> section
/// stays reflection-based (the Train app).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LatentModelCard))]
[JsonSerializable(typeof(StateSpaceModelCard))]
[JsonSerializable(typeof(VoltageLagModelCard))]
[JsonSerializable(typeof(MetricSummary))]
[JsonSerializable(typeof(NeuronCellInfo))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class CardJsonContext : JsonSerializerContext;
