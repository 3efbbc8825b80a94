using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class LatentSurrogateTest
{
    /// <summary>Small RS traces (mixed stimuli so that they fire), with the recovery column.</summary>
    private static TraceSet Traces(int runs, int steps = 300, long seed = 5, StimulusKind kind = StimulusKind.Mixed) =>
        DatasetGenerator.Generate(new DatasetOptions { Runs = runs, NeuronsPerRun = 2, Steps = steps, Seed = seed, IncludeRecovery = true, Stimulus = new StimulusOptions { Kind = kind } }).Traces;

    private static LatentSettings Tiny(int seed = 1, int stepFactor = 1) => new()
    {
        Hidden = [8, 8],
        VoltageMemory = 3,
        SpikeMemory = 2,
        Iterations = 6,
        BatchSize = 8,
        MinWindowSteps = 10,
        MaxWindowSteps = 40,
        EvaluateEvery = 3,
        Seed = seed,
        StepFactor = stepFactor,
    };

    private static LatentSpec Spec(TraceSet train, LatentSettings settings) =>
        LatentNormalizer.Fit(new MLContext(1), train, "model units", settings.StepFactor, settings.VoltageMemory, settings.SpikeMemory);

    /// <summary>A stepper with a known answer: V(t + 1) = V(t) + current(t), spike probability 0.5, state[3] counts steps.</summary>
    private sealed class AddCurrent(LatentSpec spec) : ILatentStepper
    {
        public LatentSpec Spec => spec;

        public List<float[]> States { get; } = [];

        public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
        {
            int k = spec.StepFactor, size = spec.StateSize;
            States.Add(state[..(rows * size)].ToArray());
            for (int r = 0; r < rows; r++)
            {
                float v = state[r * size];
                for (int j = 0; j < k; j++)
                {
                    v += currents[r * k + j];
                    voltagesMv[r * k + j] = v;
                }
                state[r * size] = v;
                state[r * size + 3] += 1;
                spikeProbability[r] = 0.5f;
            }
        }
    }

    private static LatentSpec Layout(int stepFactor) => new LatentSpec
    {
        Inputs = [new LatentInput(TraceColumns.Current, "nA", 0, 1)],
        StepFactor = stepFactor,
        IncrementScalesMv = Enumerable.Repeat(1.0, stepFactor).ToArray(),
        InitialVoltageMv = -65,
        VoltageMemory = 2,
        SpikeMemory = 1,
    }.Validate();

    [TestMethod]
    public void LatentSurrogateTest_SpecLayoutAndValidation()
    {
        var spec = Layout(1);
        Assert.AreEqual(6, spec.StateSize);
        Assert.AreEqual(5, spec.SpikeMemoryOffset);
        CollectionAssert.AreEqual(new float[] { -65, 0, 0, -65, -65, 0 }, spec.InitialState());
        Assert.AreEqual(1 + 1 + 2 + 1, spec.NetworkInputs);
        Assert.AreEqual(2, spec.NetworkOutputs);
        Assert.AreEqual(0.5, (spec with { StepFactor = 5, IncrementScalesMv = [1, 1, 1, 1, 1] }).SurrogateTimeStepMs, 1e-12);
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { Inputs = [new LatentInput("current_dend", "nA", 0, 1)] }).Validate());
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { StepFactor = 2 }).Validate(), "one increment scale per output");
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { Inputs = [new LatentInput(TraceColumns.Current, "nA", 0, 0)] }).Validate());
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { Rule = new SpikeResetRule(-70, -65) }).Validate());
    }

    [TestMethod]
    public void LatentSurrogateTest_RuleIsEstimatedFromTheTracesOnly()
    {
        var rs = Traces(4);
        var rule = SpikeResetRule.FromTraces(rs);
        Assert.IsNotNull(rule);
        Assert.AreEqual(30, rule.PeakMv);
        Assert.AreEqual(-65, rule.ResetMv);
        // Another reset value in the data is another rule: it is read off the traces, not the simulator's parameters.
        var ch = DatasetGenerator.Generate(new DatasetOptions { Runs = 4, NeuronsPerRun = 2, Steps = 300, Seed = 5, Simulation = new IzhikevichSimulationOptions { Parameters = IzhikevichParameters.Chattering }, Stimulus = new StimulusOptions { Kind = StimulusKind.Mixed } }).Traces;
        Assert.AreEqual(-50, SpikeResetRule.FromTraces(ch)!.ResetMv);
        // HH spikes have no fixed apex followed by a fixed value.
        var hh = DatasetGenerator.Generate(new DatasetOptions { Runs = 4, NeuronsPerRun = 2, Steps = 1000, Neuron = new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions()), Stimulus = new StimulusOptions { Kind = StimulusKind.Step, Amplitude = 0.2, BaselineCurrent = 0 } }).Traces;
        Assert.IsTrue(hh.VoltagesMv.Max() > 0, "the HH traces fire");
        Assert.IsNull(SpikeResetRule.FromTraces(hh));
        // A peak whose successors differ is no rule.
        var v = new double[] { -65, 30, -65, -60, 30, -64, -65, 30, -65 };
        var odd = new TraceSet([0], [0], v.Length, 0.1, new double[v.Length], v);
        Assert.IsNull(SpikeResetRule.FromTraces(odd, minimumPeaks: 1));
        Assert.IsNull(SpikeResetRule.FromTraces(rs, minimumPeaks: 100_000), "too few peaks to believe");
    }

    [TestMethod]
    public void LatentSurrogateTest_RolloutTimeGridStepFactorAndTeacherForcing()
    {
        // Two traces of 7 steps; current t shows first in voltage t + 1; voltage 0 is the initial voltage.
        double[] currents = [1, 2, 3, 4, 5, 6, 7, 10, 10, 10, 10, 10, 10, 10];
        foreach (int k in new[] { 1, 2, 5 })
        {
            var stepper = new AddCurrent(Layout(k));
            var predictions = new double[currents.Length];
            var diverged = LatentRollout.ClosedLoop(stepper, [currents], predictions, 2);
            CollectionAssert.AreEqual(new[] { -1, -1 }, diverged);
            CollectionAssert.AreEqual(new double[] { -65, -64, -62, -59, -55, -50, -44, -65, -55, -45, -35, -25, -15, -5 }, predictions, $"k = {k}");
            Assert.HasCount((6 + k - 1) / k, stepper.States, $"k = {k}: one call per {k} steps");
        }

        // Teacher forcing sets the state's voltage, spike flag and peak flag from the truth before every step.
        var spec = Layout(1) with { Rule = new SpikeResetRule(30, -65) };
        double[] truth = [-65, 5, 30, -65, -64, -63, -62, -65, -65, -65, -65, -65, -65, -65];
        var forced = new AddCurrent(spec);
        var output = new double[currents.Length];
        LatentRollout.TeacherForced(forced, [currents], truth, output, 2);
        Assert.AreEqual(5 + 2, output[2], 1e-12, "V(2) = true V(1) + I(1)");
        Assert.AreEqual(30 + 3, output[3], 1e-12);
        var atStep2 = forced.States[2];
        Assert.AreEqual(30f, atStep2[0]);
        Assert.AreEqual(0f, atStep2[1], "30 follows 5: no new crossing");
        Assert.AreEqual(1f, atStep2[2], "30 is a recorded peak");
        Assert.AreEqual(1f, forced.States[1][1], "5 follows −65: a crossing of 0 mV");
        Assert.AreEqual(-63f, atStep2[3], "the rest of the state is the model's own (here: −65 plus one per step)");

        // A trace that runs away is stopped and reported; the other goes on.
        double[] wild = [1, 1, 1, 1, 1, 1, 1, 1e9, 0, 0, 0, 0, 0, 0];
        var stopped = new double[wild.Length];
        var flags = LatentRollout.ClosedLoop(new AddCurrent(Layout(1)), [wild], stopped, 2);
        CollectionAssert.AreEqual(new[] { -1, 1 }, flags);
        Assert.IsTrue(double.IsNaN(stopped[8]) && double.IsNaN(stopped[13]));
        Assert.ThrowsExactly<ArgumentException>(() => LatentRollout.ClosedLoop(new AddCurrent(Layout(1)), [currents, currents], stopped, 2));
    }

    [TestMethod]
    public void LatentSurrogateTest_MasksStopWhereTheTracesPartWays()
    {
        // Window of 8 steps from −70 mV; truth spikes at step 2, the model at step 4.
        float[] truth = [-50, -40, 10, -60, -60, -60, -60, -60];
        float[] model = [-55, -50, -45, -30, 5, -60, -60, -60];
        var mask = new float[8];
        LatentMasks.Fill(LatentMask.FirstSpike, model, truth, [-70f], 8, 0, 5, mask);
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 0, 0, 0, 0, 0 }, mask, "up to and including the first spike of either");
        LatentMasks.Fill(LatentMask.MatchedSpikes, model, truth, [-70f], 8, 0, 2, mask);
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 1, 1, 1, 1, 1 }, mask, "2 steps apart: matched, the error counts through them");
        LatentMasks.Fill(LatentMask.MatchedSpikes, model, truth, [-70f], 8, 0, 1, mask);
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 0, 0, 0, 0, 0 }, mask, "unmatched: stop at the first of the two");
        LatentMasks.Fill(LatentMask.MatchedSpikes, model, truth, [-70f], 8, 0, 1, mask, overrun: 2);
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 1, 1, 0, 0, 0 }, mask, "and two steps past it");
        LatentMasks.Fill(LatentMask.None, [-55, float.NaN, 0, 0, 0, 0, 0, 0], truth, [-70f], 8, 0, 1, mask);
        CollectionAssert.AreEqual(new float[] { 1, 0, 0, 0, 0, 0, 0, 0 }, mask, "nothing counts from a non-finite value on");
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void LatentSurrogateTest_OnnxGraphsMatchTorchSharp()
    {
        using var folder = new TempFolder();
        var train = Traces(6);
        var validation = Traces(2, seed: 9);
        // With and without the structural rule, one and two inputs, one and several data steps per step.
        var cases = new (string Name, TraceSet Train, TraceSet Validation, int K)[]
        {
            ("rs_k1", train, validation, 1),
            ("rs_k3", train, validation, 3),
            ("dend_k1", WithDendrite(train), WithDendrite(validation), 1),
            ("dend_k2_norule", WithDendrite(WithoutPeaks(train)), WithDendrite(WithoutPeaks(validation)), 2),
        };
        foreach (var (name, t, v, k) in cases)
        {
            var settings = Tiny(stepFactor: k);
            var spec = Spec(t, settings);
            Assert.AreEqual(name.EndsWith("norule", StringComparison.Ordinal), spec.Rule is null, name);
            var (network, history) = LatentTrainer.Train(spec, settings, t, v);
            using (network)
            {
                Assert.HasCount(2, history, name);
                string oneStep = folder.File($"{name}.onnx"), rolloutPath = folder.File($"{name}_rollout.onnx");
                LatentOnnxExporter.Write(network, oneStep, rolloutPath);

                // One step from states a closed loop visits: ONNX Runtime vs TorchSharp within 1e-4 relative.
                var inputs = spec.Inputs.Select(i => v.Input(i.Column)).ToArray();
                using var onnx = new OnnxLatentStepper(oneStep, spec);
                using var torch = new TorchLatentStepper(network);
                var predictions = new double[v.VoltagesMv.Length];
                LatentRollout.ClosedLoop(torch, inputs, predictions, v.TraceCount);
                var random = new TraceRandom(2, 2, 2);
                const int rows = 64;
                var state = new float[rows * spec.StateSize];
                var currents = new float[rows * spec.CurrentsPerStep];
                for (int r = 0; r < rows; r++)
                {
                    spec.InitialState().CopyTo(state, r * spec.StateSize);
                    state[r * spec.StateSize] = (float)random.NextDouble(-80, 29);
                    state[r * spec.StateSize + 1] = random.NextInt(2);
                    state[r * spec.StateSize + 2] = spec.Rule is null ? 0 : random.NextInt(4) == 0 ? 1 : 0;
                    for (int m = 0; m < spec.VoltageMemory; m++)
                    {
                        state[r * spec.StateSize + LatentSpec.MemoryOffset + m] = (float)random.NextDouble(-75, 0);
                    }
                    for (int m = 0; m < spec.SpikeMemory; m++)
                    {
                        state[r * spec.StateSize + spec.SpikeMemoryOffset + m] = (float)random.NextDouble(0, 3);
                    }
                    for (int c = 0; c < spec.CurrentsPerStep; c++)
                    {
                        currents[r * spec.CurrentsPerStep + c] = (float)random.NextDouble(0, 25);
                    }
                }
                var (stateA, stateB) = ((float[])state.Clone(), (float[])state.Clone());
                var (voltsA, voltsB) = (new float[rows * k], new float[rows * k]);
                var (probA, probB) = (new float[rows], new float[rows]);
                onnx.Advance(currents, stateA, voltsA, probA, rows);
                torch.Advance(currents, stateB, voltsB, probB, rows);
                for (int i = 0; i < voltsA.Length; i++)
                {
                    Assert.AreEqual(voltsB[i], voltsA[i], 1e-4 * Math.Max(1, Math.Abs(voltsB[i])), $"{name}: voltage {i}");
                }
                for (int i = 0; i < stateA.Length; i++)
                {
                    Assert.AreEqual(stateB[i], stateA[i], 1e-4 * Math.Max(1, Math.Abs(stateB[i])), $"{name}: state {i}");
                }
                for (int i = 0; i < rows; i++)
                {
                    Assert.AreEqual(probB[i], probA[i], 1e-4, $"{name}: spike probability {i}");
                }

                // The rollout graph gives the same spike steps as the C#-driven loop over the one-step graph.
                var loop = new double[v.VoltagesMv.Length];
                LatentRollout.ClosedLoop(onnx, inputs, loop, v.TraceCount);
                var otherInputs = LatentOnnxExporter.RolloutInputs(spec).Skip(1).ToArray();
                using var rollout = new OnnxRolloutModel(rolloutPath, otherInputs: otherInputs);
                var graph = rollout.Run(inputs.Select(a => a.Select(x => (float)x).ToArray()).ToArray(), v.TraceCount);
                Assert.HasCount(loop.Length, graph);
                for (int trace = 0; trace < v.TraceCount; trace++)
                {
                    var a = SpikeDetector.Detect(loop.AsSpan(trace * v.Steps, v.Steps), v.TimeStepMs);
                    var b = SpikeDetector.Detect(graph.AsSpan(trace * v.Steps, v.Steps).ToArray().Select(x => (double)x).ToArray(), v.TimeStepMs);
                    CollectionAssert.AreEqual(a, b, $"{name}: trace {trace}");
                    Assert.AreEqual((float)spec.InitialVoltageMv, graph[trace * v.Steps]);
                }

                // A card whose state size does not match the graph is refused with one clear line.
                var wrong = Assert.ThrowsExactly<InputException>(() => new OnnxLatentStepper(oneStep, spec with { VoltageMemory = spec.VoltageMemory + 1 }));
                StringAssert.Contains(wrong.Message, "state size");
            }
        }
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void LatentSurrogateTest_TrainingIsDeterministicAndBlindToTheRecoveryColumn()
    {
        var train = Traces(5);
        var validation = Traces(2, seed: 9);
        var settings = Tiny(seed: 3);
        var spec = Spec(train, settings);
        // The recovery column is the simulator's hidden state: scrambling it must change nothing at all.
        var scrambled = new TraceSet(train.Runs, train.Neurons, train.Steps, train.TimeStepMs, train.Currents, train.VoltagesMv,
            train.Recovery!.Select((_, i) => (double)(i % 17)).ToArray());
        var blind = Spec(scrambled, settings);
        Assert.AreEqual(spec.VoltageMeanMv, blind.VoltageMeanMv);
        Assert.AreEqual(spec.VoltageScaleMv, blind.VoltageScaleMv);
        Assert.AreEqual(spec.Inputs.Single(), blind.Inputs.Single());
        CollectionAssert.AreEqual(spec.IncrementScalesMv.ToArray(), blind.IncrementScalesMv.ToArray());
        Assert.AreEqual(spec.Rule, blind.Rule);
        var (a, historyA) = LatentTrainer.Train(spec, settings, train, validation);
        var (b, _) = LatentTrainer.Train(spec, settings, scrambled.WithoutRecovery(), validation);
        var (c, _) = LatentTrainer.Train(spec, settings with { Seed = 4 }, train, validation);
        using (a)
        using (b)
        using (c)
        {
            CollectionAssert.AreEqual(LatentOnnxExporter.OneStep(a), LatentOnnxExporter.OneStep(b), "same seed, same bytes, whatever the recovery column holds");
            CollectionAssert.AreNotEqual(LatentOnnxExporter.OneStep(a), LatentOnnxExporter.OneStep(c));
            Assert.IsTrue(historyA.All(h => double.IsFinite(h.ValidationGamma)));
        }
    }

    [TestMethod]
    public void LatentSurrogateTest_GraphReadsOnlyCurrentsAndItsOwnState()
    {
        var train = Traces(3);
        var settings = Tiny() with { Iterations = 1 };
        using var network = LatentTrainer.Create(Spec(train, settings), settings);
        var model = Onnx.ModelProto.Parser.ParseFrom(LatentOnnxExporter.OneStep(network));
        CollectionAssert.AreEqual(new[] { "currents", "state" }, model.Graph.Input.Select(i => i.Name).ToArray());
        var rollout = Onnx.ModelProto.Parser.ParseFrom(LatentOnnxExporter.Rollout(network));
        CollectionAssert.AreEqual(new[] { "currents" }, rollout.Graph.Input.Select(i => i.Name).ToArray());
        Assert.AreEqual(17, model.OpsetImport.Single().Version);
    }

    [TestMethod]
    public void LatentSurrogateTest_WindowsFromSetsOfDifferentLengthsStayInsideOneTraceAndFollowLength()
    {
        // A library of long traces beside a dataset of short ones: each window is a piece of one trace (never across a
        // trace's end), and a set's share of windows follows its share of steps (here 3600 of 5600, 64 %).
        var longSet = Traces(3, steps: 600, seed: 5);
        var shortSet = Traces(10, steps: 100, seed: 6);
        var settings = Tiny();
        var spec = Spec(longSet, settings);
        var windows = new LatentWindows([longSet, shortSet], spec);
        Assert.AreEqual(99, windows.MaxBlocks, "the shortest trace bounds the windows");
        var random = new TraceRandom(3, 3, 3);
        int fromLong = 0, placed = 0, count = 400, length = 40;
        var batch = windows.Draw(count, length, [0.9f, 0.95f, 0.99f], [0.9f, 0.95f], 0, ref random);
        for (int b = 0; b < count; b++)
        {
            var targets = batch.Targets.AsSpan(b * length, length);
            var currents = batch.Currents.AsSpan(b * length, length);
            var found = new int[2];
            foreach (var (set, isLong) in new[] { (longSet, true), (shortSet, false) })
            {
                for (int trace = 0; trace < set.TraceCount; trace++)
                {
                    var v = set.Trace(set.VoltagesMv, trace);
                    var c = set.Trace(set.Currents, trace);
                    for (int start = 0; start + length < set.Steps; start++)
                    {
                        if ((float)v[start] == batch.StartVoltage[b] && Matches(v.Slice(start + 1, length), targets) && Matches(c.Slice(start, length), currents))
                        {
                            found[isLong ? 0 : 1]++;
                        }
                    }
                }
            }
            Assert.IsTrue(found.Sum() >= 1, $"window {b} is a piece of one trace");
            // A flat piece at rest can be found in several traces; only windows found in one set count for the share.
            if (found[0] == 0 || found[1] == 0)
            {
                placed++;
                fromLong += found[0] > 0 ? 1 : 0;
            }
        }
        Assert.IsTrue(placed > count / 2, $"{placed} of {count} windows placed in one set");
        double share = fromLong / (double)placed;
        Assert.IsTrue(share is > 0.55 and < 0.73, $"{share:P0} of the windows from the long traces, expected about 64 %");

        static bool Matches(ReadOnlySpan<double> truth, ReadOnlySpan<float> window)
        {
            for (int i = 0; i < truth.Length; i++)
            {
                if ((float)truth[i] != window[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    [TestMethod]
    public void LatentSurrogateTest_TrainsOnSeveralSetsAndValidatesOnTheMeanOfThem()
    {
        var longSet = Traces(3, steps: 600, seed: 5);
        var shortSet = Traces(4, steps: 100, seed: 6);
        var settings = Tiny();
        using var network = LatentTrainer.Create(Spec(longSet, settings), settings);
        var history = LatentTrainer.Fit(network, [longSet, shortSet], [longSet, shortSet]);
        Assert.AreEqual(2, history.Count);
        // The last report's Γ is the mean of the two sets' closed-loop Γ with the weights as they were then; the weights
        // kept are the best report's, so score them again only where the last report was the best.
        if (history[^1].Best)
        {
            double mean = (LatentTrainer.ScoreClosedLoop(network, longSet).Gamma + LatentTrainer.ScoreClosedLoop(network, shortSet).Gamma) / 2;
            Assert.AreEqual(mean, history[^1].ValidationGamma, 1e-12);
        }
        var envelope = CardEnvelope.From([longSet, shortSet], [new CardLatentInput("current", "model units", 0, 1)]);
        Assert.AreEqual(60.0, envelope.TraceMs, 1e-9, "the longest training trace");
        Assert.AreEqual(longSet.TraceCount + shortSet.TraceCount, envelope.Traces);
        Assert.AreEqual(Math.Min(longSet.Currents.Min(), shortSet.Currents.Min()), envelope.Inputs[0].Min);
        Assert.AreEqual(Math.Max(longSet.Currents.Max(), shortSet.Currents.Max()), envelope.Inputs[0].Max);
    }

    [TestMethod]
    public void LatentSurrogateTest_NoSpikesAndShortTracesAreInputErrors()
    {
        var silent = Traces(3, stimulus: 0);
        var settings = Tiny();
        var spec = Spec(Traces(3), settings);
        var none = Assert.ThrowsExactly<InputException>(() => LatentTrainer.Train(spec, settings, silent, silent));
        StringAssert.Contains(none.Message, "training traces with spikes");
        var shortTraces = Traces(3, steps: 8);
        var tooShort = Assert.ThrowsExactly<InputException>(() => LatentTrainer.Train(spec, settings, shortTraces, shortTraces));
        StringAssert.Contains(tooShort.Message, "longer than the shortest training window");
    }

    private static TraceSet Traces(int runs, double stimulus) =>
        DatasetGenerator.Generate(new DatasetOptions { Runs = runs, NeuronsPerRun = 2, Steps = 300, Stimulus = new StimulusOptions { Kind = StimulusKind.Gaussian, MeanCurrent = stimulus, StandardDeviation = 0.5 } }).Traces;

    /// <summary>The same traces with a second current column (a fraction of the first, so it carries information).</summary>
    private static TraceSet WithDendrite(TraceSet traces) => new(traces.Runs, traces.Neurons, traces.Steps, traces.TimeStepMs, traces.Currents, traces.VoltagesMv,
        null, [(TraceColumns.CurrentDend, traces.Currents.Select(c => 0.3 * c).ToArray())]);

    /// <summary>The same traces with every recorded peak lowered by a varying amount, so the data show no rule.</summary>
    private static TraceSet WithoutPeaks(TraceSet traces) => new(traces.Runs, traces.Neurons, traces.Steps, traces.TimeStepMs, traces.Currents,
        traces.VoltagesMv.Select((v, i) => v >= 30 ? 20 + i % 7 : v).ToArray());
}
