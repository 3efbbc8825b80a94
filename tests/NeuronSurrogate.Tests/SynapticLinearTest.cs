using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;
using NeuronSurrogate.Train;
using static TorchSharp.torch;

namespace NeuronSurrogate.Tests;

/// <summary>
/// The synaptic comparison's linear baseline (<see cref="SynapticLinear"/>).
/// </summary>
[TestClass]
public sealed class SynapticLinearTest
{
    private const int Synapses = 4;
    private const double StepMs = 0.1;

    /// <summary>
    /// Traces whose voltage at the end of each 1 ms bin is exactly −70 mV plus each synapse's events filtered by
    /// exp(−t / 20 ms) times its weight (one of the baseline's own kernels), held over the bin's steps.
    /// </summary>
    private static TraceSet LinearTraces(int traces, long seed, int steps = 3000)
    {
        double[] weights = [0.4, 0.25, -0.3, -0.5];
        int bins = steps / 10;
        var voltages = new double[traces * steps];
        var events = new TraceEvents[traces];
        double decay = Math.Exp(-1.0 / 20);
        for (int trace = 0; trace < traces; trace++)
        {
            var random = new TraceRandom(seed, trace, 0, 2);
            var ids = new List<int>();
            var times = new List<double>();
            var filtered = new double[Synapses];
            var perBin = new double[bins];
            for (int b = 0; b < bins; b++)
            {
                var counts = new double[Synapses];
                for (int t = b * 10; t < b * 10 + 10; t++)
                {
                    for (int s = 0; s < Synapses; s++)
                    {
                        if (random.NextDouble() < 0.004)
                        {
                            ids.Add(s);
                            times.Add(Math.Round(t * StepMs, 6));
                            counts[s]++;
                        }
                    }
                }
                perBin[b] = -70;
                for (int s = 0; s < Synapses; s++)
                {
                    filtered[s] = filtered[s] * decay + counts[s];
                    perBin[b] += weights[s] * filtered[s];
                }
            }
            for (int t = 0; t < steps; t++)
            {
                // The voltage at the end of bin b (step 10b + 10) stands for steps 10b + 1 … 10b + 10.
                voltages[trace * steps + t] = t == 0 ? -70 : perBin[Math.Min(bins - 1, (t - 1) / 10)];
            }
            events[trace] = new TraceEvents(trace + 100 * seed, 0, [.. ids], [.. times]);
        }
        var set = new TraceSet(Enumerable.Range(0, traces).Select(i => (long)i + 100 * seed).ToArray(), new long[traces], steps, StepMs,
            new double[traces * steps], voltages);
        return set.WithEvents(events, Synapses);
    }

    [TestMethod]
    public void SynapticLinearTest_RecoversAVoltageThatIsLinearInItsFilteredEvents()
    {
        var (model, _, path) = SynapticLinear.Fit(LinearTraces(6, seed: 1), LinearTraces(2, seed: 2), SynapticLinear.DefaultTausMs);
        Assert.AreEqual(Synapses * 3 + 1, model.Parameters);
        Assert.HasCount(SynapticLinear.Penalties.Count, path);
        Assert.AreEqual(path.Min(p => p.ValidationRmseMv), path.Single(p => p.Penalty == model.Penalty).ValidationRmseMv, "the penalty kept is the best on validation");
        var test = LinearTraces(3, seed: 3);
        var (summary, voltage) = model.Score(test);
        Assert.IsLessThan(0.02, summary.RmseClippedMv!.Value, "the truth is in the model's span");
        Assert.IsGreaterThan(0.99, summary.VarianceExplainedClipped!.Value);
        Assert.HasCount(test.VoltagesMv.Length, voltage);
        // Causal: dropping the events from 150 ms on changes nothing before the first one dropped, and changes its bin.
        var events = test.Events![0];
        int half = events.TimesMs.Count(t => t < 150);
        int firstDropped = (int)Math.Floor(events.TimesMs[half]);
        var cut = new TraceEvents(events.Run, events.Neuron, events.Synapses[..half], events.TimesMs[..half]);
        var truncated = test.WithEvents([cut, test.Events[1], test.Events[2]], Synapses);
        var before = model.PredictBins(test, 0);
        var after = model.PredictBins(truncated, 0);
        for (int b = 0; b < firstDropped; b++)
        {
            Assert.AreEqual(before[b], after[b], $"bin {b}");
        }
        Assert.AreNotEqual(before[firstDropped], after[firstDropped]);
    }

    /// <summary>
    /// <c>--projection-from-linear</c>: a latent model whose first projection rows come from the fit carries the fit's
    /// prediction in its diagonal input traces, step by step, through its own recursion (the model reads only events).
    /// </summary>
    [TestMethod]
    public void SynapticLinearTest_ProjectionRowsMakeTheLatentInputTracesHoldTheLinearPrediction()
    {
        double[] taus = [5, 20];
        var (model, _, _) = SynapticLinear.Fit(LinearTraces(6, seed: 1), LinearTraces(2, seed: 2), taus);
        var test = LinearTraces(1, seed: 3);
        var settings = new LatentSettings { Hidden = [4], VoltageMemory = 1, SpikeMemory = 1, StepFactor = 10, MinWindowSteps = 10, MaxWindowSteps = 20, Seed = 1 };
        var spec = (LatentNormalizer.Fit(new MLContext(1), test, "none", 10, 1, 1) with
        {
            Inputs = [],
            Synapses = Synapses,
            InputChannels = 3,
            InputTimeConstantsMs = taus,
        }).Validate();
        Assert.ThrowsExactly<ArgumentException>(() => model.ProjectionRows(spec with { InputTimeConstantsMs = [5, 30] }));
        Assert.ThrowsExactly<ArgumentException>(() => model.ProjectionRows(spec with { StepFactor = 5 }));
        Assert.ThrowsExactly<ArgumentException>(() => model.ProjectionRows(spec with { InputChannels = 1 }));

        using var network = LatentTrainer.Create(spec, settings);
        var third = network.InputProjection!.data<float>().ToArray()[(2 * Synapses)..];
        network.SetInputProjectionRows(model.ProjectionRows(spec), taus.Length);
        CollectionAssert.AreEqual(third, network.InputProjection!.data<float>().ToArray()[(2 * Synapses)..], "the rows past the kernels keep their values");

        int bins = test.Steps / 10;
        var counts = SynapticTcn.Bin(test.Events![0], StepMs, Synapses, bins);
        var expected = model.PredictBins(test, 0);
        using var scope = NewDisposeScope();
        var coefficients = network.Coefficients();
        var state = network.Initial(1);
        double largest = 0;
        for (int b = 0; b < bins; b++)
        {
            var step = Enumerable.Range(0, Synapses).Select(s => counts[s * bins + b]).ToArray();
            (state, _, _) = network.Step(state, tensor(step, [1, Synapses]), coefficients);
            var traces = state.InputMemory!.data<float>().ToArray();
            double diagonal = Enumerable.Range(0, taus.Length).Sum(m => (double)traces[m * taus.Length + m]);
            largest = Math.Max(largest, Math.Abs(model.OffsetMv + diagonal * spec.VoltageScaleMv - expected[b]));
        }
        Assert.IsLessThan(1e-3, largest, "the diagonal traces are the linear prediction (mV)");
    }
}
