using System.Text.Json.Serialization;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>The result of one model or baseline on the test runs, both modes.</summary>
public sealed record ModelResult(
    [property: JsonPropertyName("closed_loop")] MetricSummary ClosedLoop,
    [property: JsonPropertyName("teacher_forced")] MetricSummary TeacherForced);
