using System.Globalization;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Tests;

/// <summary>
/// The synaptic latent surrogate: a learned projection of the synapses' event counts into leaky input traces, trained,
/// exported and served like the latent kind, on a toy cell driven by events (an integrate-and-fire neuron, so that the
/// tests need no NEURON).
/// </summary>
[TestClass]
public sealed class SynapticSurrogateTest
{
    private const int Synapses = 6;

    /// <summary>
    /// Traces of a leaky integrate-and-fire cell driven by Poisson events on 6 synapses (0–2 excitatory, 3–5 inhibitory)
    /// at dt 0.1 ms: each event moves V by its synapse's weight, V relaxes to −65 mV with τ 10 ms, and at −50 mV it fires
    /// (one step at +30 mV, then −70 mV).
    /// </summary>
    internal static TraceSet Traces(int traces, int steps = 2000, long seed = 3)
    {
        const double dt = 0.1;
        double[] weights = [5, 6, 7, -2, -2.5, -3];
        var voltages = new double[traces * steps];
        var events = new TraceEvents[traces];
        for (int trace = 0; trace < traces; trace++)
        {
            var random = new TraceRandom(seed, trace, 0, 1);
            // Each trace its own drive: 60–300 Hz per excitatory synapse, 30–80 Hz per inhibitory one.
            double excitatory = random.NextDouble(60, 300) * dt / 1000, inhibitory = random.NextDouble(30, 80) * dt / 1000;
            var ids = new List<int>();
            var times = new List<double>();
            double v = -65;
            bool fired = false;
            for (int t = 0; t < steps; t++)
            {
                voltages[trace * steps + t] = v;
                // Events at step t (time t·dt) show in V(t + 1).
                double drive = 0;
                for (int s = 0; s < Synapses; s++)
                {
                    if (random.NextDouble() < (s < 3 ? excitatory : inhibitory))
                    {
                        ids.Add(s);
                        times.Add(Math.Round(t * dt, 6));
                        drive += weights[s];
                    }
                }
                if (fired)
                {
                    v = -70;
                    fired = false;
                }
                else
                {
                    v += dt * (-65 - v) / 10 + drive;
                    if (v >= -50)
                    {
                        v = 30;
                        fired = true;
                    }
                }
            }
            events[trace] = new TraceEvents(trace, 0, [.. ids], [.. times]);
        }
        var set = new TraceSet(Enumerable.Range(0, traces).Select(i => (long)i).ToArray(), new long[traces], steps, dt, new double[traces * steps], voltages);
        return set.WithEvents(events, Synapses);
    }

    internal static LatentSettings Tiny(int seed = 1, int iterations = 6) => new()
    {
        Hidden = [8, 8],
        VoltageMemory = 3,
        SpikeMemory = 2,
        Iterations = iterations,
        BatchSize = 8,
        MinWindowSteps = 20,
        MaxWindowSteps = 200,
        EvaluateEvery = 3,
        Seed = seed,
        StepFactor = 5,
    };

    internal static LatentSpec Spec(TraceSet train, LatentSettings settings) =>
        (LatentNormalizer.Fit(new MLContext(1), train, "none", settings.StepFactor, settings.VoltageMemory, settings.SpikeMemory) with
        {
            Inputs = [],
            Synapses = Synapses,
            InputChannels = 3,
            InputTimeConstantsMs = [1, 4, 20],
        }).Validate();

    [TestMethod]
    public void SynapticSurrogateTest_SpecLayoutCardAndValidation()
    {
        var spec = Spec(Traces(2), Tiny());
        Assert.IsTrue(spec.IsSynaptic);
        Assert.AreEqual(Synapses, spec.CurrentsPerStep, "a step reads one count per synapse");
        Assert.AreEqual(9, spec.InputMemory);
        Assert.AreEqual(LatentSpec.MemoryOffset + 3 + 2, spec.InputMemoryOffset);
        Assert.AreEqual(spec.InputMemoryOffset + 9, spec.StateSize);
        Assert.AreEqual(1 + 3 + 9 + 3 + 2, spec.NetworkInputs);
        Assert.AreEqual(Math.Exp(-0.5 / 4), spec.InputDecays()[1], 1e-15);
        Assert.IsTrue(spec.InitialState().AsSpan(spec.InputMemoryOffset).ToArray().All(x => x == 0));

        var card = CardLatent.From(spec, [1, 2, 3], [1, 2]);
        Assert.AreEqual(spec, card.ToSpec(null) with { Rule = spec.Rule });
        StringAssert.Contains(card.StateLayout, "input traces");
        StringAssert.Contains(card.TimeGrid, "floor(s/dt)");
        // A model of currents writes none of the synaptic fields: its card stays as it was.
        var currents = new LatentSpec { Inputs = [new LatentInput(TraceColumns.Current, "nA", 0, 1)] };
        var plain = CardLatent.From(currents, [], []);
        Assert.IsNull(plain.Synapses);
        Assert.IsFalse(System.Text.Json.JsonSerializer.Serialize(plain).Contains("synapses", StringComparison.Ordinal));

        Assert.ThrowsExactly<ArgumentException>(() => (spec with { Inputs = currents.Inputs }).Validate(), "events or currents, not both");
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { InputChannels = 0 }).Validate());
        Assert.ThrowsExactly<ArgumentException>(() => (spec with { InputTimeConstantsMs = [0] }).Validate());
        Assert.ThrowsExactly<ArgumentException>(() => (currents with { InputChannels = 2 }).Validate());
    }

    [TestMethod]
    public void SynapticSurrogateTest_EventsCountInTheStepOfTheirTime()
    {
        var events = new TraceEvents(0, 0, [2, 0, 1, 1], [0, 0.1, 0.35, 0.4]);
        var (steps, ids) = EventSteps.Of(events, 0.1, 3);
        CollectionAssert.AreEqual(new[] { 0, 1, 3, 4 }, steps, "0.1 ms is step 1 despite rounding; 0.35 ms is step 3");
        CollectionAssert.AreEqual(new[] { 2, 0, 1, 1 }, ids);
        Assert.AreEqual(2, EventSteps.FirstAtOrAfter(steps, 2));
        Assert.AreEqual(4, EventSteps.FirstAtOrAfter(steps, 5));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => EventSteps.Of(events, 0.1, 2)).Message, "synapse 2");
        Assert.ThrowsExactly<ArgumentException>(() => EventSteps.Of(new TraceEvents(0, 0, [0, 0], [1, 0.5]), 0.1, 1), "unsorted");

        // A stepper that returns the step's event count as its voltage shows the counts the rollout feeds it.
        var spec = Spec(Traces(2), Tiny()) with { StepFactor = 2, IncrementScalesMv = [1, 1] };
        var counter = new CountingStepper(spec);
        var predictions = new double[7];
        LatentRollout.ClosedLoopEvents(counter, [new TraceEvents(0, 0, [0, 3, 5, 1], [0, 0.15, 0.2, 0.55])], 7, predictions);
        CollectionAssert.AreEqual(new[] { spec.InitialVoltageMv, 2, 2, 1, 1, 1, 1 }, predictions);
    }

    private sealed class CountingStepper(LatentSpec spec) : ILatentStepper
    {
        public LatentSpec Spec => spec;

        public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
        {
            for (int r = 0; r < rows; r++)
            {
                float sum = 0;
                foreach (float c in currents.Slice(r * spec.Synapses, spec.Synapses))
                {
                    sum += c;
                }
                voltagesMv.Slice(r * spec.StepFactor, spec.StepFactor).Fill(sum);
            }
        }
    }

    [TestMethod]
    public void SynapticSurrogateTest_TeacherForcedWindowStartsWhereTheRolloutIs()
    {
        // The input traces a window starts from (W times each synapse's traces before the start) equal the network's
        // own input traces after a closed loop from the trace's start to there.
        var train = Traces(1, steps: 1200);
        var settings = Tiny();
        var spec = Spec(train, settings);
        using var network = LatentTrainer.Create(spec, settings);
        var windows = new LatentWindows(train, spec);
        var random = new TraceRandom(8, 8, 8);
        var batch = windows.Draw(6, 10, [0.9f, 0.95f, 0.99f], [0.9f, 0.95f], 0, ref random);
        using var stepper = new TorchLatentStepper(network);
        var states = new List<float[]>();
        var recorder = new StateRecorder(stepper, states);
        LatentRollout.ClosedLoopEvents(recorder, train.Events!, train.Steps, new double[train.Steps]);
        using var projected = network.ProjectInputTraces(TorchSharp.torch.tensor(batch.InputTraces, [6, Synapses, 3]));
        var fromWindows = projected.data<float>().ToArray();
        for (int b = 0; b < 6; b++)
        {
            // The window's start: where its targets sit in the trace.
            int start = Enumerable.Range(0, train.Steps - 50).Single(s => Enumerable.Range(0, 50).All(j => (float)train.VoltagesMv[s + 1 + j] == batch.Targets[b * 50 + j]));
            Assert.AreEqual(0, start % spec.StepFactor, "a synaptic window starts on the surrogate's grid");
            var rollout = states[start / spec.StepFactor].AsSpan(spec.InputMemoryOffset, spec.InputMemory).ToArray();
            for (int i = 0; i < spec.InputMemory; i++)
            {
                Assert.AreEqual(rollout[i], fromWindows[b * spec.InputMemory + i], 1e-4 * Math.Max(1, Math.Abs(rollout[i])), $"window {b}, trace {i}");
            }
            // And its counts are the events of its blocks.
            var (steps, ids) = EventSteps.Of(train.Events![0], train.TimeStepMs, Synapses);
            for (int block = 0; block < 10; block++)
            {
                for (int s = 0; s < Synapses; s++)
                {
                    int expected = Enumerable.Range(0, steps.Length).Count(i => ids[i] == s && steps[i] >= start + block * 5 && steps[i] < start + block * 5 + 5);
                    Assert.AreEqual(expected, batch.Currents[(b * 10 + block) * Synapses + s]);
                }
            }
        }
    }

    /// <summary>Keeps the state before every call.</summary>
    private sealed class StateRecorder(ILatentStepper inner, List<float[]> states) : ILatentStepper
    {
        public LatentSpec Spec => inner.Spec;

        public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
        {
            states.Add(state[..(rows * Spec.StateSize)].ToArray());
            inner.Advance(currents, state, voltagesMv, spikeProbability, rows);
        }
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void SynapticSurrogateTest_TrainedExportedAndServedAlike()
    {
        using var folder = new TempFolder();
        var train = Traces(8);
        var validation = Traces(2, seed: 9);
        Assert.IsTrue(train.VoltagesMv.Count(v => v > 0) > 10, "the toy cell fires");
        var settings = Tiny();
        var spec = Spec(train, settings);
        var (network, history) = LatentTrainer.Train(spec, settings, train, validation);
        using (network)
        {
            Assert.HasCount(2, history);
            Assert.AreEqual(3 * Synapses, network.InputProjection!.numel());
            string oneStep = folder.File("syn.onnx"), rolloutPath = folder.File("syn_rollout.onnx");
            LatentOnnxExporter.Write(network, oneStep, rolloutPath);
            var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(oneStep));
            CollectionAssert.AreEqual(new[] { "event_counts", "state" }, model.Graph.Input.Select(i => i.Name).ToArray(), "the graph reads events and its own state, nothing else");

            // One step from random states and counts: ONNX Runtime against TorchSharp within 1e-4 relative.
            using var onnx = new OnnxLatentStepper(oneStep, spec);
            using var torch = new TorchLatentStepper(network);
            var random = new TraceRandom(2, 2, 2);
            const int rows = 32;
            var state = new float[rows * spec.StateSize];
            var counts = new float[rows * Synapses];
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = (float)random.NextDouble(-70, 0);
            }
            for (int i = 0; i < counts.Length; i++)
            {
                counts[i] = random.NextInt(3);
            }
            // The same for the fused CPU engine, which reads the graph's weights and sums only the synapses with events.
            using var fused = new FusedLatentStepper(oneStep, spec);
            foreach (var (engine, label) in new (ILatentStepper, string)[] { (onnx, "onnx"), (fused, "fused") })
            {
                var (stateA, stateB) = ((float[])state.Clone(), (float[])state.Clone());
                var (voltsA, voltsB) = (new float[rows * 5], new float[rows * 5]);
                var (probA, probB) = (new float[rows], new float[rows]);
                engine.Advance(counts, stateA, voltsA, probA, rows);
                torch.Advance(counts, stateB, voltsB, probB, rows);
                for (int i = 0; i < voltsA.Length; i++)
                {
                    Assert.AreEqual(voltsB[i], voltsA[i], 1e-4 * Math.Max(1, Math.Abs(voltsB[i])), $"{label}: voltage {i}");
                }
                for (int i = 0; i < stateA.Length; i++)
                {
                    Assert.AreEqual(stateB[i], stateA[i], 1e-4 * Math.Max(1, Math.Abs(stateB[i])), $"{label}: state {i}");
                }
                for (int i = 0; i < rows; i++)
                {
                    Assert.AreEqual(probB[i], probA[i], 1e-4, $"{label}: probability {i}");
                }
            }

            // The shipped form (graph + card) through LatentSurrogate: the closed loop of the ONNX engine, and the rollout graph.
            var card = LatentCards.Create("syn", network, settings, history, new CardSource { Dataset = "toy" }, new Dictionary<string, MetricSummary>());
            File.WriteAllText(folder.File("syn.json"), card.ToJson());
            using var served = new LatentSurrogate(oneStep, folder.File("syn.json"));
            using var portable = new LatentSurrogate(oneStep, folder.File("syn.json"), engine: SurrogateEngine.Onnx);
            Assert.AreEqual(SurrogateEngine.Fused, served.Engine);
            var direct = LatentTrainer.ClosedLoop(network, validation);
            var predictions = new double[validation.VoltagesMv.Length];
            var probability = new double[predictions.Length];
            foreach (var surrogate in new[] { portable, served })
            {
                surrogate.PredictEvents(validation.Events!, validation.Steps, predictions, probability);
                for (int i = 0; i < 400; i++)
                {
                    Assert.AreEqual(direct[i], predictions[i], 1e-3, $"{surrogate.Engine}: closed loop, step {i}");
                }
                Assert.IsTrue(probability.All(p => p is >= 0 and <= 1));
            }
            // The rollout graph is checked against ONNX Runtime's loop.
            portable.PredictEvents(validation.Events!, validation.Steps, predictions, probability);

            int blocks = (validation.Steps - 1 + 4) / 5;
            var blockCounts = new float[validation.TraceCount * blocks * Synapses];
            for (int trace = 0; trace < validation.TraceCount; trace++)
            {
                var (steps, ids) = EventSteps.Of(validation.Events![trace], validation.TimeStepMs, Synapses);
                for (int i = 0; i < steps.Length; i++)
                {
                    blockCounts[(trace * blocks + steps[i] / 5) * Synapses + ids[i]] += 1;
                }
            }
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(rolloutPath);
            using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(blockCounts, [validation.TraceCount, blocks, Synapses]);
            using var outputs = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["event_counts"], [input], ["voltages"]);
            var graph = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.AreEqual(validation.TraceCount * (1 + blocks * 5), graph.Length);
            for (int trace = 0; trace < validation.TraceCount; trace++)
            {
                for (int t = 0; t < validation.Steps; t++)
                {
                    Assert.AreEqual(predictions[trace * validation.Steps + t], graph[trace * (1 + blocks * 5) + t], 1e-3, $"rollout graph, trace {trace}, step {t}");
                }
            }

            // Reading the traces' current column (zeros here) is refused: the model reads events.
            Assert.ThrowsExactly<ArgumentException>(() => served.Predict(PredictionMode.ClosedLoop,
                new Dictionary<string, double[]> { [TraceColumns.Current] = validation.Currents }, predictions, validation.TraceCount));
        }
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void SynapticSurrogateTest_PredictEventsWritesTheSpikeProbabilityAndNeverReadsTheVoltage()
    {
        using var folder = new TempFolder();
        var train = Traces(6);
        var settings = Tiny();
        var spec = Spec(train, settings);
        var (network, history) = LatentTrainer.Train(spec, settings, train, Traces(2, seed: 9));
        using (network)
        {
            LatentOnnxExporter.Write(network, folder.File("syn.onnx"), folder.File("syn_rollout.onnx"));
            File.WriteAllText(folder.File("syn.json"), LatentCards.Create("syn", network, settings, history, new CardSource { Dataset = "toy" }, new Dictionary<string, MetricSummary>()).ToJson());
        }
        var test = Traces(3, steps: 800, seed: 21);
        string truth = folder.File("truth.csv"), scrambled = folder.File("scrambled.csv"), events = folder.File("truth.events.csv");
        WriteTraces(truth, test, v => v);
        WriteTraces(scrambled, test, v => -v);
        EventFile.Write(events, test.Events!);

        var first = CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", truth, "-o", folder.File("a.csv"), "--events", events);
        Assert.AreEqual(0, first.ExitCode, first.Error);
        Assert.AreEqual(0, CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", scrambled, "-o", folder.File("b.csv"), "--events", events).ExitCode);
        var a = File.ReadAllLines(folder.File("a.csv"));
        var b = File.ReadAllLines(folder.File("b.csv"));
        Assert.AreEqual("run,neuron,time_ms,current,voltage,predicted_voltage,predicted_spike,predicted_spike_probability", a[0]);
        Assert.HasCount(1 + 3 * 800, a);
        for (int i = 1; i < a.Length; i++)
        {
            // Everything but the voltage column is the same: the model never read it.
            Assert.AreEqual(string.Join(',', a[i].Split(',').Where((_, c) => c != 4)), string.Join(',', b[i].Split(',').Where((_, c) => c != 4)), $"line {i + 1}");
        }

        var json = folder.File("m.json");
        Assert.AreEqual(0, CliRunner.Run("evaluate", "-t", truth, "-p", folder.File("a.csv"), "--json", json).ExitCode);
        StringAssert.Contains(File.ReadAllText(json), "\"spike_score\": \"probability\"");

        var missing = CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", truth, "-o", folder.File("c.csv"));
        Assert.AreNotEqual(0, missing.ExitCode);
        StringAssert.Contains(missing.Error, "--events");
        var wrong = CliRunner.Run("predict", "-m", TestPaths.Model("rs_latent.onnx"), "-i", truth, "-o", folder.File("d.csv"), "--events", events);
        Assert.AreNotEqual(0, wrong.ExitCode);
        StringAssert.Contains(wrong.Error, "not input events");
        EventFile.Write(events, [new TraceEvents(0, 0, [Synapses], [1])]);
        var outside = CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", truth, "-o", folder.File("e.csv"), "--events", events);
        Assert.AreNotEqual(0, outside.ExitCode);
        StringAssert.Contains(outside.Error, "synapse");
        Assert.IsFalse(File.Exists(folder.File("e.csv")));
        // Events after a trace's end, or of a trace the input lacks, are refused rather than dropped.
        EventFile.Write(events, [new TraceEvents(test.Runs[0], test.Neurons[0], [1], [800 * test.TimeStepMs])]);
        var late = CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", truth, "-o", folder.File("f.csv"), "--events", events);
        Assert.AreEqual(2, late.ExitCode, late.Error);
        StringAssert.Contains(late.Error, "events within their trace");
        EventFile.Write(events, [new TraceEvents(test.Runs[0], test.Neurons[0], [1], [1]), new TraceEvents(99, 0, [1], [1])]);
        var stray = CliRunner.Run("predict", "-m", folder.File("syn.onnx"), "-i", truth, "-o", folder.File("g.csv"), "--events", events);
        Assert.AreEqual(2, stray.ExitCode, stray.Error);
        StringAssert.Contains(stray.Error, "run 99, neuron 0");
        Assert.IsFalse(File.Exists(folder.File("f.csv")) || File.Exists(folder.File("g.csv")));
    }

    private static void WriteTraces(string path, TraceSet set, Func<double, double> voltage)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("run,neuron,time_ms,current,voltage");
        for (int trace = 0; trace < set.TraceCount; trace++)
        {
            for (int t = 0; t < set.Steps; t++)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{set.Runs[trace]},{set.Neurons[trace]},{t * set.TimeStepMs:0.0##},0,{voltage(set.VoltagesMv[trace * set.Steps + t]):R}"));
            }
        }
    }

    [TestMethod]
    public void SynapticSurrogateTest_TheTcnOfTheComparisonIsCausalAndScoredByTheSameMetrics()
    {
        var (model, _, history) = SynapticTcn.Train(Traces(4), Traces(2, seed: 9), channels: 4, layers: 3, dendrites: 0, iterations: 4, batch: 2, windowBins: 60, seed: 1);
        using (model)
        {
            Assert.AreEqual(15, model.ReceptiveBins);
            Assert.HasCount(4, history);
            var random = new TraceRandom(4, 4, 4);
            var counts = Enumerable.Range(0, Synapses * 50).Select(_ => (float)random.NextInt(2)).ToArray();
            var later = (float[])counts.Clone();
            for (int s = 0; s < Synapses; s++)
            {
                for (int t = 30; t < 50; t++)
                {
                    later[s * 50 + t] += 3;
                }
            }
            using var a = model.Forward(TorchSharp.torch.tensor(counts, [1, Synapses, 50]));
            using var b = model.Forward(TorchSharp.torch.tensor(later, [1, Synapses, 50]));
            var (x, y) = (a.data<float>().ToArray(), b.data<float>().ToArray());
            for (int head = 0; head < 2; head++)
            {
                for (int t = 0; t < 50; t++)
                {
                    bool same = x[head * 50 + t] == y[head * 50 + t];
                    Assert.AreEqual(t < 30, same, $"head {head}, bin {t}: outputs before bin 30 cannot see its inputs");
                }
            }
            var (summary, voltage, probability) = model.Score(Traces(2, seed: 11));
            Assert.IsTrue(summary.SpikeAuc is >= 0 and <= 1);
            Assert.IsTrue(voltage.All(double.IsFinite) && probability.All(p => p is >= 0 and <= 1));
        }
    }

    [TestMethod]
    public void SynapticSurrogateTest_TheTcnsDendriticStageFiltersEachSynapseCausally()
    {
        var (model, _, history) = SynapticTcn.Train(Traces(4), Traces(2, seed: 9), channels: 4, layers: 2, dendrites: 5, iterations: 2, batch: 2, windowBins: 60, seed: 1);
        using (model)
        {
            Assert.HasCount(2, history);
            Assert.AreEqual(Synapses * SynapticTcn.DendriteTausMs.Count, model.InputRows);
            // One event on synapse 2 at data step 1234 (bin 123): each trace is exactly the kernel exp(−t/τ) from that bin on,
            // and nothing before it.
            var inputs = model.Inputs([1234], [2], 0, 200);
            for (int j = 0; j < SynapticTcn.DendriteTausMs.Count; j++)
            {
                for (int synapse = 0; synapse < Synapses; synapse++)
                {
                    for (int b = 0; b < 200; b++)
                    {
                        double expected = synapse == 2 && b >= 123 ? Math.Exp(-(b - 123) / SynapticTcn.DendriteTausMs[j]) : 0;
                        Assert.AreEqual(expected, inputs[(j * Synapses + synapse) * 200 + b], 1e-5, $"τ {SynapticTcn.DendriteTausMs[j]}, synapse {synapse}, bin {b}");
                    }
                }
            }
            // A window late in a trace is built from the history before it: as the whole trace's traces at those bins,
            // within the 400-bin history's truncation (exp(−400 / 80) of the longest τ).
            var longTrace = Traces(1, steps: 8000, seed: 5);
            var (steps, ids) = EventSteps.Of(longTrace.Events![0], longTrace.TimeStepMs, Synapses);
            int bins = longTrace.Steps / SynapticTcn.BinSteps, from = bins - 60;
            var whole = model.Inputs(steps, ids, 0, bins);
            var window = model.Inputs(steps, ids, from, 60);
            for (int row = 0; row < model.InputRows; row++)
            {
                for (int b = 0; b < 60; b++)
                {
                    Assert.AreEqual(whole[row * bins + from + b], window[row * 60 + b], 0.01 * Math.Max(1, whole[row * bins + from + b]), $"row {row}, bin {b}");
                }
            }
            // Causal end to end: events from bin 30 on change nothing before bin 30.
            var early = model.Inputs([55, 120, 400], [0, 3, 5], 0, 50);
            var later = model.Inputs([55, 120, 300, 400, 450], [0, 3, 1, 5, 4], 0, 50);
            using var a = model.Forward(TorchSharp.torch.tensor(early, [1, model.InputRows, 50]));
            using var b2 = model.Forward(TorchSharp.torch.tensor(later, [1, model.InputRows, 50]));
            var (x, y) = (a.data<float>().ToArray(), b2.data<float>().ToArray());
            for (int head = 0; head < 2; head++)
            {
                for (int t = 0; t < 50; t++)
                {
                    Assert.AreEqual(t < 30, x[head * 50 + t] == y[head * 50 + t], $"head {head}, bin {t}");
                }
            }
            var (summary, voltage, _) = model.Score(Traces(2, seed: 11));
            Assert.IsTrue(summary.SpikeAuc is >= 0 and <= 1);
            Assert.IsTrue(voltage.All(double.IsFinite));
        }
    }

    /// <summary>
    /// The shipped synaptic models (<c>pyramid_synaptic_latent</c>, k = 10, and <c>pyramid_synaptic_latent_k5</c>): their
    /// cards describe the synaptic cell's 402 inputs, and the fused engine (sparse over active synapses) and ONNX Runtime's
    /// loop give the same closed loop and the same spike steps on events of the training statistics (drawn here for a
    /// table of 201 excitatory and 201 inhibitory synapses of equal length).
    /// </summary>
    [TestMethod]
    [DataRow("pyramid_synaptic_latent", 10)]
    [DataRow("pyramid_synaptic_latent_k5", 5)]
    public void SynapticSurrogateTest_TheShippedModelRunsAlikeOnBothEngines(string name, int stepFactor)
    {
        string model = TestPaths.Model(name + ".onnx"), cardPath = TestPaths.Model(name + ".json");
        var spec = LatentModelCard.Read(cardPath).ToSpec(cardPath);
        Assert.IsTrue(spec.IsSynaptic);
        Assert.AreEqual(402, spec.Synapses);
        Assert.AreEqual(stepFactor, spec.StepFactor);
        Assert.IsEmpty(spec.Inputs, "a synaptic model reads no current");
        var table = Enumerable.Range(0, 402).Select(id => new Simulation.SynapseInfo
        {
            Id = id, Kind = id < 201 ? "excitatory" : "inhibitory", LengthUm = 10,
        }).ToArray();
        const int traces = 16, steps = 5000;
        var events = Enumerable.Range(0, traces).Select(run => SynapticInputGenerator.Draw(new SynapticInputOptions(), table, 5, run, 0, steps, 0.1)).ToArray();
        using var fused = new LatentSurrogate(model, cardPath);
        using var onnx = new LatentSurrogate(model, cardPath, engine: SurrogateEngine.Onnx);
        Assert.AreEqual(SurrogateEngine.Fused, fused.Engine);
        var (a, b) = (new double[traces * steps], new double[traces * steps]);
        var (pa, pb) = (new double[a.Length], new double[b.Length]);
        fused.PredictEvents(events, steps, a, pa);
        onnx.PredictEvents(events, steps, b, pb);
        int spikes = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.AreEqual(b[i], a[i], 1e-2, $"{name}: closed loop, trace {i / steps}, step {i % steps}");
            Assert.AreEqual(pb[i], pa[i], 1e-3, $"{name}: spike probability, trace {i / steps}, step {i % steps}");
            bool upA = i % steps > 0 && a[i - 1] < 0 && a[i] >= 0, upB = i % steps > 0 && b[i - 1] < 0 && b[i] >= 0;
            Assert.AreEqual(upB, upA, $"{name}: spike step, trace {i / steps}, step {i % steps}");
            spikes += upA ? 1 : 0;
        }
        Assert.IsGreaterThan(0, spikes, $"{name} fires on these inputs, so the spike steps are compared");
    }

    [TestMethod]
    public void SynapticSurrogateTest_HeldOutStatisticsDifferAsNamed()
    {
        var constant = SynapticInputOptions.Named["constant"];
        var dominated = SynapticInputOptions.Named["inhibition-dominated"];
        for (int run = 0; run < 5; run++)
        {
            var rates = SynapticInputGenerator.Rates(constant, 7, run, 0, 2000);
            Assert.AreEqual(rates.Excitatory.Min(), rates.Excitatory.Max(), 1e-9 * rates.Excitatory.Max(), "one rate for the whole trace");
            var inhibited = SynapticInputGenerator.Rates(dominated, 7, run, 0, 2000);
            for (int t = 0; t < inhibited.Excitatory.Length; t++)
            {
                Assert.IsTrue(inhibited.Inhibitory[t] >= inhibited.Excitatory[t] + 10 - 1e-9, $"run {run}, {t} ms");
            }
        }
        // The training statistics are unchanged by the new shift (it is 0 there).
        var beniaguev = SynapticInputGenerator.Rates(SynapticInputOptions.Named["beniaguev"], 7, 1, 0, 2000);
        CollectionAssert.AreEqual(SynapticInputGenerator.Rates(new SynapticInputOptions(), 7, 1, 0, 2000).Inhibitory, beniaguev.Inhibitory);
    }
}
