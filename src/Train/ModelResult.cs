using System.Text.Json.Serialization;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>The result of one model or baseline on the test runs, both modes.</summary>
public sealed record ModelResult(
    [property: JsonPropertyName("closed_loop")] MetricSummary ClosedLoop,
    [property: JsonPropertyName("teacher_forced")] MetricSummary TeacherForced)
{
    /// <summary>The scores as a card's metrics section names them.</summary>
    public Dictionary<string, MetricSummary> CardMetrics() => new() { ["test_closed_loop"] = ClosedLoop, ["test_teacher_forced"] = TeacherForced };
}
