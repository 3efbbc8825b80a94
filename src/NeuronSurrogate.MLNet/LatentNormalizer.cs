using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// Fits a latent surrogate's <see cref="LatentSpec"/> on the training runs only: the standardization of the voltage,
/// of every current and of the k increments with ML.NET's mean–variance normalizer; the initial voltage (the training
/// traces' mean first voltage); and the structural rule where the traces show one.
/// </summary>
public static class LatentNormalizer
{
    /// <summary>The spec of a latent surrogate for <paramref name="train"/>.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="train">The training traces (every current column they hold is an input).</param>
    /// <param name="currentUnit">The currents' unit, for the card.</param>
    /// <param name="stepFactor">Data steps per surrogate step.</param>
    /// <param name="voltageMemory">Leaky voltage traces in the state.</param>
    /// <param name="spikeMemory">Leaky spike counts in the state.</param>
    /// <exception cref="InputException">The traces are too short for the step factor.</exception>
    public static LatentSpec Fit(MLContext ml, TraceSet train, string currentUnit, int stepFactor, int voltageMemory, int spikeMemory)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(train);
        int steps = train.Steps, k = stepFactor, columns = train.Inputs.Count;
        if (steps <= k)
        {
            throw InputException.About(null, $"traces longer than the surrogate's step of {k} data steps (they have {steps} steps)");
        }
        // One row per (trace, step t with t + k inside the trace): features V(t) and the currents; targets V(t + j) − V(t).
        int perTrace = steps - k;
        int rows = train.TraceCount * perTrace;
        var features = new float[rows * (1 + columns)];
        var targets = new float[rows * k];
        var v = train.VoltagesMv;
        for (int trace = 0, r = 0; trace < train.TraceCount; trace++)
        {
            for (int t = 0; t < perTrace; t++, r++)
            {
                int at = trace * steps + t;
                features[r * (1 + columns)] = (float)v[at];
                for (int c = 0; c < columns; c++)
                {
                    features[r * (1 + columns) + 1 + c] = (float)train.Inputs[c].Values[at];
                }
                for (int j = 1; j <= k; j++)
                {
                    targets[r * k + j - 1] = (float)(v[at + j] - v[at]);
                }
            }
        }
        var (offset, scale, _, targetScale) = StateNormalizer.Fit(ml, features, 1 + columns, targets, k);
        // ML.NET scales by 1/s.d.; a constant column (s.d. 0) gets scale 0 or ∞: standardize it by 1 instead.
        double ScaleOf(float inverse) => inverse > 0 && float.IsFinite(inverse) ? 1 / (double)inverse : 1;
        return new LatentSpec
        {
            Inputs = train.Inputs.Select((input, c) => new LatentInput(input.Column, currentUnit, offset[1 + c], ScaleOf(scale[1 + c]))).ToArray(),
            TimeStepMs = train.TimeStepMs,
            StepFactor = k,
            VoltageMeanMv = offset[0],
            VoltageScaleMv = ScaleOf(scale[0]),
            IncrementScalesMv = targetScale.Select(s => s > 0 && float.IsFinite(s) ? (double)s : 1).ToArray(),
            InitialVoltageMv = Enumerable.Range(0, train.TraceCount).Average(trace => v[trace * steps]),
            VoltageMemory = voltageMemory,
            SpikeMemory = spikeMemory,
            Rule = SpikeResetRule.FromTraces(train),
        }.Validate();
    }
}
