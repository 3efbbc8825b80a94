using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Tests;

/// <summary>An exact state-space "model": the forward-Euler increments of the RS neuron itself.</summary>
internal sealed class EulerIncrements(IzhikevichParameters p, double dt) : IStatePredictor
{
    public void Predict(ReadOnlySpan<float> states, Span<float> increments, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            double v = states[3 * r], u = states[3 * r + 1], i = states[3 * r + 2];
            increments[2 * r] = (float)(dt * IzhikevichModel.VoltageDerivative(v, u, i));
            increments[2 * r + 1] = (float)(dt * IzhikevichModel.RecoveryDerivative(v, u, p));
        }
    }
}

[TestClass]
public sealed class StateSpaceSurrogateTest
{
    private static readonly IzhikevichSimulationOptions Rs = new();
    private static readonly SpikeResetRule Rule = SpikeResetRule.For(Rs.Parameters);
    private static readonly StateSpaceSpec Spec = new(0.1, -65, -13, Rule);

    private static TraceSet Traces(int runs, int steps = 400, long seed = 5) =>
        DatasetGenerator.Generate(new DatasetOptions { Runs = runs, NeuronsPerRun = 2, Steps = steps, Seed = seed, IncludeRecovery = true }).Traces;

    private static (StateSpaceMlp Model, IReadOnlyList<EpochReport> History) TrainTiny(TraceSet train, TraceSet validation, int seed = 1, int epochs = 2)
    {
        var (states, increments) = StateSpaceSamples.Build(train, Spec, stride: 2);
        var scaling = StateNormalizer.Fit(new MLContext(seed), states, increments);
        var settings = new MlpSettings { Hidden = [32, 32], Epochs = epochs, Seed = seed, Threads = 1, BatchSize = 256 };
        return StateSpaceTrainer.Train(settings, scaling, states, increments, model =>
        {
            var predictions = new double[validation.VoltagesMv.Length];
            StateSpaceRollout.ClosedLoop(new TorchStatePredictor(model), validation.Currents, predictions, validation.TraceCount, Spec);
            var s = Evaluation.Summarize(validation, predictions);
            return (s.Gamma, s.RmseSubthresholdMv);
        });
    }

    [TestMethod]
    public void StateSpaceSurrogateTest_ClosedLoopWithExactIncrementsReproducesTheSimulator()
    {
        // The rollout's semantics are the simulator's: fed the true Euler increments it gives the same spike steps.
        // 18 traces: two 8-lane vector groups and a scalar remainder.
        var traces = Traces(9, 1000);
        var predictions = new double[traces.VoltagesMv.Length];
        var recovery = new double[traces.VoltagesMv.Length];
        var diverged = StateSpaceRollout.ClosedLoop(new EulerIncrements(Rs.Parameters, 0.1), traces.Currents, predictions, traces.TraceCount, Spec, recovery);
        Assert.IsTrue(diverged.All(d => d == -1));
        for (int i = 0; i < recovery.Length; i++)
        {
            Assert.AreEqual(traces.Recovery![i], recovery[i], 1e-3, $"u of sample {i}");
        }
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var truth = Enumerable.Range(0, traces.Steps).Where(t => traces.VoltagesMv[trace * traces.Steps + t] == 30).ToArray();
            var model = Enumerable.Range(0, traces.Steps).Where(t => predictions[trace * traces.Steps + t] == 30).ToArray();
            CollectionAssert.AreEqual(truth, model, $"trace {trace}");
        }
        var forced = new double[predictions.Length];
        StateSpaceRollout.TeacherForced(new EulerIncrements(Rs.Parameters, 0.1), traces.Currents, traces.VoltagesMv, traces.Recovery!, forced, traces.TraceCount, Spec);
        for (int i = 0; i < forced.Length; i++)
        {
            Assert.AreEqual(traces.VoltagesMv[i], forced[i], 1e-3, $"sample {i}");
        }
    }

    /// <summary>21 traces of 300 steps (two 8-lane groups and a scalar tail); one of them gets a current that makes it diverge.</summary>
    private static (double[] Currents, int Count, int Steps) TracesWithOneDiverging(int trace, int step)
    {
        var traces = Traces(11, 300, seed: 21);
        const int count = 21;
        var currents = traces.Currents.AsSpan(0, count * traces.Steps).ToArray();
        currents[trace * traces.Steps + step] = 1e30;
        return (currents, count, traces.Steps);
    }

    [TestMethod]
    public void StateSpaceSurrogateTest_VectorAndScalarPathsAgreeAndDivergenceIsPerTrace()
    {
        // 21 traces; trace 13 is driven to divergence at step 40. The vector path handles the groups 0–7 and 8–15 (from
        // then on 8–15 goes through the scalar path, 0–7 stays vectorized), traces 16–20 are the scalar tail. Every trace
        // but 13 must equal a run of that trace alone (all scalar).
        var (currents, count, steps) = TracesWithOneDiverging(13, 40);
        var together = new double[count * steps];
        var diverged = StateSpaceRollout.ClosedLoop(new EulerIncrements(Rs.Parameters, 0.1), currents, together, count, Spec);
        Assert.AreEqual(41, diverged[13], "current 40 drives the update to step 41, which lands beyond ±1000 mV");
        Assert.IsTrue(double.IsNaN(together[13 * steps + 41]) && double.IsNaN(together[14 * steps - 1]) && double.IsFinite(together[13 * steps + 40]));
        for (int trace = 0; trace < count; trace++)
        {
            if (trace == 13)
            {
                continue;
            }
            var alone = new double[steps];
            StateSpaceRollout.ClosedLoop(new EulerIncrements(Rs.Parameters, 0.1), currents.AsSpan(trace * steps, steps), alone, 1, Spec);
            CollectionAssert.AreEqual(alone, together.AsSpan(trace * steps, steps).ToArray(), $"trace {trace}");
            Assert.AreEqual(-1, diverged[trace]);
        }
    }

    [TestMethod]
    public void StateSpaceSurrogateTest_TraceMajorAndTimeMajorApisAgree()
    {
        // The trace-major API converts the buffers to time-major around the same loop: the same numbers, bit for bit;
        // trace 5 diverges at step 131, after which its voltages and recovery are NaN in both layouts.
        var (currents, count, steps) = TracesWithOneDiverging(5, 130);
        var voltages = new double[count * steps];
        var recovery = new double[count * steps];
        var diverged = StateSpaceRollout.ClosedLoop(new EulerIncrements(Rs.Parameters, 0.1), currents, voltages, count, Spec, recovery);
        var currentsByStep = new float[count * steps];
        for (int trace = 0; trace < count; trace++)
        {
            for (int t = 0; t < steps; t++)
            {
                currentsByStep[t * count + trace] = (float)currents[trace * steps + t];
            }
        }
        var voltagesByStep = new double[count * steps];
        var recoveryByStep = new double[count * steps];
        var divergedByStep = StateSpaceRollout.ClosedLoopTimeMajor(new EulerIncrements(Rs.Parameters, 0.1), currentsByStep, voltagesByStep, count, Spec, recoveryByStep);
        CollectionAssert.AreEqual(divergedByStep, diverged);
        Assert.AreEqual(131, diverged[5]);
        for (int trace = 0; trace < count; trace++)
        {
            for (int t = 0; t < steps; t++)
            {
                Assert.AreEqual(BitConverter.DoubleToInt64Bits(voltagesByStep[t * count + trace]), BitConverter.DoubleToInt64Bits(voltages[trace * steps + t]), $"v of trace {trace} step {t}");
                Assert.AreEqual(BitConverter.DoubleToInt64Bits(recoveryByStep[t * count + trace]), BitConverter.DoubleToInt64Bits(recovery[trace * steps + t]), $"u of trace {trace} step {t}");
            }
        }
        Assert.IsTrue(double.IsNaN(recovery[5 * steps + 131]) && double.IsNaN(voltages[6 * steps - 1]) && double.IsFinite(recovery[5 * steps + 130]));
    }

    [TestMethod]
    public void StateSpaceSurrogateTest_SamplesLeaveOutSpikeAndCensoredSteps()
    {
        var traces = Traces(2, 500);
        var (states, increments) = StateSpaceSamples.Build(traces, Spec);
        int rows = states.Length / 3;
        Assert.AreEqual(rows * 2, increments.Length);
        for (int r = 0; r < rows; r++)
        {
            Assert.IsLessThan(30f, states[3 * r]);
            Assert.IsLessThan(30f, states[3 * r] + increments[2 * r] + 1e-3f);
        }
        int spikes = traces.VoltagesMv.Count(v => v == 30);
        Assert.AreEqual(traces.TraceCount * (traces.Steps - 1) - 2 * spikes, rows, "each spike removes its own step and the step before it");
        Assert.ThrowsExactly<InvalidOperationException>(() => StateSpaceSamples.Build(new TraceSet([0], [0], 2, 0.1, [1, 1], [-65, -64]), Spec));
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void StateSpaceSurrogateTest_OnnxGraphsMatchTorchSharp()
    {
        using var folder = new TempFolder();
        var (model, history) = TrainTiny(Traces(10), Traces(2, seed: 9));
        using (model)
        {
            Assert.HasCount(2, history);
            string oneStep = folder.File("s.onnx"), rolloutPath = folder.File("s_rollout.onnx");
            StateSpaceOnnxExporter.Write(model, Spec, oneStep, rolloutPath);

            // One step: ONNX Runtime vs TorchSharp on states across the operating range, ≤ 1e-5 relative.
            var random = new Stimuli.TraceRandom(1, 1, 1);
            const int rows = 500;
            var states = new float[rows * 3];
            for (int r = 0; r < rows; r++)
            {
                states[3 * r] = (float)random.NextDouble(-80, 29);
                states[3 * r + 1] = (float)random.NextDouble(-20, 10);
                states[3 * r + 2] = (float)random.NextDouble(-5, 25);
            }
            var fromTorch = new float[rows * 2];
            var fromOnnx = new float[rows * 2];
            new TorchStatePredictor(model).Predict(states, fromTorch, rows);
            using (var onnx = new OnnxStatePredictor(oneStep))
            {
                onnx.Predict(states, fromOnnx, rows);
            }
            // The graphs ship the folded form (scales inside the weights); in TorchSharp it computes the same function, and
            // the importer rebuilds that form from the graph, so TorchSharp and ONNX Runtime then do the same operations.
            var fromFolded = new float[rows * 2];
            using (var folded = model.Folded())
            {
                new TorchStatePredictor(folded).Predict(states, fromFolded, rows);
            }
            var card = new Cards.StateSpaceModelCard
            {
                Hidden = model.Settings.Hidden,
                Activation = model.Settings.Activation.ToString(),
                State = new Cards.CardState
                {
                    FeatureOffset = model.Scaling.InputOffset,
                    FeatureScale = model.Scaling.InputScale,
                    IncrementMean = model.Scaling.TargetMean,
                    IncrementScale = model.Scaling.TargetScale,
                },
            };
            var fromImported = new float[rows * 2];
            using (var imported = StateSpaceOnnxImporter.Load(oneStep, card))
            {
                new TorchStatePredictor(imported).Predict(states, fromImported, rows);
            }
            double scale = fromTorch.Max(Math.Abs);
            for (int i = 0; i < fromTorch.Length; i++)
            {
                double tolerance = 1e-5 * Math.Max(Math.Abs(fromTorch[i]), 1e-2 * scale);
                Assert.AreEqual(fromTorch[i], fromOnnx[i], tolerance, $"ONNX Runtime, value {i}");
                Assert.AreEqual(fromTorch[i], fromFolded[i], tolerance, $"folded, value {i}");
                Assert.AreEqual(fromFolded[i], fromImported[i], 1e-6 * Math.Max(Math.Abs(fromFolded[i]), 1e-2 * scale), $"imported, value {i}");
            }
            Assert.ThrowsExactly<InputException>(() => StateSpaceOnnxImporter.Load(folder.File("missing.onnx"), card));

            // Rollout graph vs the C#-driven loop on the same currents: the same spike steps.
            var test = Traces(3, 600, seed: 11);
            var loop = new double[test.VoltagesMv.Length];
            StateSpaceRollout.ClosedLoop(new TorchStatePredictor(model), test.Currents, loop, test.TraceCount, Spec);
            using var rollout = new OnnxRolloutModel(rolloutPath);
            var graph = rollout.Run(test.Currents.Select(c => (float)c).ToArray(), test.TraceCount);
            Assert.HasCount(loop.Length, graph);
            for (int i = 0; i < loop.Length; i++)
            {
                Assert.AreEqual(loop[i] == 30, graph[i] == 30f, $"spike flag of sample {i}");
            }
            Assert.AreEqual(-65f, graph[0]);
        }
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void StateSpaceSurrogateTest_TrainingIsDeterministicForASeed()
    {
        var train = Traces(6);
        var validation = Traces(1, seed: 9);
        var (a, _) = TrainTiny(train, validation, seed: 3, epochs: 1);
        var (b, _) = TrainTiny(train, validation, seed: 3, epochs: 1);
        var (c, _) = TrainTiny(train, validation, seed: 4, epochs: 1);
        using (a)
        using (b)
        using (c)
        {
            CollectionAssert.AreEqual(StateSpaceOnnxExporter.OneStep(a), StateSpaceOnnxExporter.OneStep(b), "same seed, same bytes");
            CollectionAssert.AreNotEqual(StateSpaceOnnxExporter.OneStep(a), StateSpaceOnnxExporter.OneStep(c));
        }
    }

    [TestMethod]
    public void StateSpaceSurrogateTest_NormalizerCentresAndScales()
    {
        float[] states = [-60, -10, 5, -70, -14, 15];
        float[] increments = [1, 0.1f, 3, 0.3f];
        var s = StateNormalizer.Fit(new MLContext(1), states, increments);
        Assert.AreEqual(-65f, s.InputOffset[0], 1e-4f);
        Assert.AreEqual(10f, s.InputOffset[2], 1e-4f);
        Assert.AreEqual(((3600f + 4900f) / 2), s.InputOffset[3], 1e-1f);
        Assert.AreEqual(2f, s.TargetMean[0], 1e-4f);
        // (x − offset) × scale is ±1 for two points 5 mV from their mean: ML.NET divides by the population s.d.
        Assert.AreEqual(0.2, s.InputScale[0], 1e-4);
    }
}
