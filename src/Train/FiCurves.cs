using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Train;

/// <summary>The f–I curve of any neuron against a surrogate: spikes in 1 s of constant current at evenly spaced levels.</summary>
internal static class FiCurves
{
    /// <summary>Levels 0, max/25, …, max: 26 traces of 1 s.</summary>
    public const int Levels = 26;

    /// <param name="neuron">The simulator.</param>
    /// <param name="surrogate">The model, closed loop (its other current inputs, if any, held at 0).</param>
    /// <param name="maxCurrent">The largest level.</param>
    /// <param name="timeStepMs">The traces' dt.</param>
    /// <param name="toleranceSpikes">The error that still passes at a level; null for one spike or 5 % (<see cref="FiPoint"/>).</param>
    public static IReadOnlyList<FiPoint> Measure(INeuronModel neuron, ISurrogate surrogate, double maxCurrent, double timeStepMs, double? toleranceSpikes = null)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        ArgumentNullException.ThrowIfNull(surrogate);
        int steps = (int)Math.Round(1000 / timeStepMs);
        var batch = new TraceBatch(0, Levels, 1, steps, timeStepMs, includeRecovery: false, spikes: neuron.Spikes);
        var levels = Enumerable.Range(0, Levels).Select(i => maxCurrent * i / (Levels - 1)).ToArray();
        for (int level = 0; level < Levels; level++)
        {
            batch.Trace(batch.Currents, level).Fill(levels[level]);
        }
        neuron.Simulate(batch);
        var columns = surrogate.InputColumns.ToDictionary(c => c, c => c == TraceColumns.Current ? batch.Currents : new double[batch.Currents.Length]);
        var predictions = new double[batch.Currents.Length];
        surrogate.Predict(PredictionMode.ClosedLoop, columns, predictions, Levels);
        return Enumerable.Range(0, Levels).Select(level => new FiPoint(levels[level],
            SpikeDetector.Detect(batch.Trace(batch.VoltagesMv, level), timeStepMs).Count,
            SpikeDetector.Detect(predictions.AsSpan(level * steps, steps), timeStepMs).Count,
            toleranceSpikes)).ToArray();
    }
}
