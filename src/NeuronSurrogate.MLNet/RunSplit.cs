using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// Which runs are for training, for choosing (validation) and for the held-out test: whole runs, never rows, so no
/// part of a test trace is ever seen while fitting or choosing anything.
/// </summary>
public sealed record RunSplit
{
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("train")] public IReadOnlyList<long> Train { get; init; } = [];
    [JsonPropertyName("validation")] public IReadOnlyList<long> Validation { get; init; } = [];
    [JsonPropertyName("test")] public IReadOnlyList<long> Test { get; init; } = [];

    /// <summary>
    /// Splits <paramref name="data"/> by its run column with ML.NET's <c>TrainTestSplit(samplingKeyColumnName: run)</c>:
    /// first the test runs off everything, then the validation runs off the rest. The run column is an integer, so ML.NET
    /// hashes it (seeded) before the range split: every row of a run lands on the same side.
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="data">Rows with a <c>run</c> column.</param>
    /// <param name="validationFraction">Share of all runs for validation (default 0.1).</param>
    /// <param name="testFraction">Share of all runs for the test (default 0.1).</param>
    /// <param name="seed">The split's seed.</param>
    /// <returns>The runs of each side, and the three views.</returns>
    public static (RunSplit Split, IDataView Train, IDataView Validation, IDataView Test) Create(
        MLContext ml, IDataView data, double validationFraction = 0.1, double testFraction = 0.1, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"validation {validationFraction} and test {testFraction}: expected two positive fractions that sum below 1");
        }
        var first = ml.Data.TrainTestSplit(data, testFraction, samplingKeyColumnName: TraceColumns.Run, seed: seed);
        var second = ml.Data.TrainTestSplit(first.TrainSet, validationFraction / (1 - testFraction), samplingKeyColumnName: TraceColumns.Run, seed: seed + 1);
        var split = new RunSplit
        {
            Seed = seed,
            Train = RunsOf(second.TrainSet),
            Validation = RunsOf(second.TestSet),
            Test = RunsOf(first.TestSet),
        };
        if (split.Train.Count == 0 || split.Validation.Count == 0 || split.Test.Count == 0)
        {
            throw InputException.InColumn(null, TraceColumns.Run, null,
                $"enough runs for a train/validation/test split (got {split.Train.Count}/{split.Validation.Count}/{split.Test.Count} runs)");
        }
        return (split, second.TrainSet, second.TestSet, first.TestSet);
    }

    /// <summary>The distinct runs of a view, sorted.</summary>
    public static IReadOnlyList<long> RunsOf(IDataView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var column = view.Schema[TraceColumns.Run];
        var runs = new SortedSet<long>();
        using var cursor = view.GetRowCursor([column]);
        var get = cursor.GetGetter<long>(column);
        long run = 0;
        while (cursor.MoveNext())
        {
            get(ref run);
            runs.Add(run);
        }
        return [.. runs];
    }

    /// <summary>The split as indented JSON (<c>results/split.json</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
