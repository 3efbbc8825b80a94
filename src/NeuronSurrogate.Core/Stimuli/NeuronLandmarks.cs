using System.Globalization;
using System.Text.Json.Serialization;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Stimuli;

/// <summary>
/// A neuron's own current landmarks, measured on 500 ms steps from rest (issue 22): the rheobase (the smallest step
/// that fires once), the onset of tonic firing (the smallest step still firing at least twice in the last 250 ms), and
/// depolarization block (the smallest step above tonic onset that is silent in the last 250 ms; NaN where none was
/// found up to the search's top). In the model's current unit.
/// </summary>
public sealed record NeuronLandmarks
{
    [JsonPropertyName("rheobase")] public double Rheobase { get; init; }
    [JsonPropertyName("tonic_onset")] public double TonicOnset { get; init; }
    [JsonPropertyName("block")] public double Block { get; init; } = double.NaN;

    /// <summary>The highest current searched for block.</summary>
    [JsonPropertyName("searched_up_to")] public double SearchedUpTo { get; init; }

    /// <summary>The library's largest current: block where there is one, else the larger of 3 × tonic onset and the scale the search started from (the model's <c>MixedMaxCurrent</c>).</summary>
    [JsonIgnore] public double Top => double.IsFinite(Block) ? Block : Math.Max(3 * TonicOnset, SearchedUpTo / 20);

    /// <summary>The library's most hyperpolarizing current: −0.6 × <see cref="Top"/>.</summary>
    [JsonIgnore] public double Bottom => -0.6 * Top;

    /// <summary>Step length and the final window the firing is judged on, ms.</summary>
    public const double StepMs = 500, WindowMs = 250;

    /// <summary>Measures the landmarks of <paramref name="model"/>: a log grid from 0.5 % to 20 × <paramref name="scale"/> (the model's <c>MixedMaxCurrent</c>), then a finer grid inside each landmark's bracket.</summary>
    public static NeuronLandmarks Measure(INeuronModel model, double scale, double timeStepMs = 0.1)
    {
        ArgumentNullException.ThrowIfNull(model);
        double top = 20 * scale;
        var grid = Enumerable.Range(0, 48).Select(i => scale * 0.005 * Math.Pow(top / (scale * 0.005), i / 47.0)).ToArray();
        var coarse = Fire(model, grid, timeStepMs);
        double rheobase = Refine(model, grid, coarse, r => r.Total >= 1, timeStepMs);
        double tonic = Refine(model, grid, coarse, r => r.Late >= 2, timeStepMs);
        // Block: the first current above tonic onset whose last 250 ms are silent.
        int firstTonic = Array.FindIndex(coarse, r => r.Late >= 2);
        int blocked = firstTonic < 0 ? -1 : Array.FindIndex(coarse, firstTonic, r => r.Late == 0);
        double block = blocked > 0 ? FirstBetween(model, grid[blocked - 1], grid[blocked], r => r.Late == 0, timeStepMs) : double.NaN;
        return new NeuronLandmarks { Rheobase = rheobase, TonicOnset = tonic, Block = block, SearchedUpTo = top };
    }

    private static double Refine(INeuronModel model, double[] grid, (int Total, int Late)[] coarse, Func<(int Total, int Late), bool> fires, double timeStepMs)
    {
        int first = Array.FindIndex(coarse, r => fires(r));
        if (first < 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{model.Name}: no 500 ms step up to {grid[^1]:G3} {model.CurrentUnit} reaches a landmark"));
        }
        return first == 0 ? grid[0] : FirstBetween(model, grid[first - 1], grid[first], fires, timeStepMs);
    }

    /// <summary>The first of 33 evenly spaced currents from <paramref name="low"/> (which does not) to <paramref name="high"/> (which does) where <paramref name="reached"/> holds.</summary>
    private static double FirstBetween(INeuronModel model, double low, double high, Func<(int Total, int Late), bool> reached, double timeStepMs)
    {
        var fine = Enumerable.Range(0, 33).Select(i => i == 32 ? high : low + (high - low) * i / 32.0).ToArray();
        var results = Fire(model, fine, timeStepMs);
        int first = Array.FindIndex(results, r => reached(r));
        return first >= 0 ? fine[first] : high;
    }

    /// <summary>Spikes of each 500 ms step from rest, in all and in the last 250 ms.</summary>
    private static (int Total, int Late)[] Fire(INeuronModel model, double[] currents, double timeStepMs)
    {
        int steps = (int)Math.Round(StepMs / timeStepMs), late = (int)Math.Round((StepMs - WindowMs) / timeStepMs);
        var batch = new TraceBatch(0, currents.Length, 1, steps, timeStepMs, includeRecovery: false, null, model.Spikes);
        for (int t = 0; t < currents.Length; t++)
        {
            batch.Trace(batch.Currents, t).Fill(currents[t]);
        }
        model.Simulate(batch);
        return [.. Enumerable.Range(0, currents.Length).Select(t =>
        {
            var v = batch.Trace(batch.VoltagesMv, t);
            return (SpikeFlags.Count(model.Spikes, v), SpikeFlags.Count(model.Spikes, v[late..]));
        })];
    }
}
