using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using System.Runtime.Intrinsics;

namespace NeuronSurrogate.Tests;

/// <summary>The fused CPU engine against ONNX Runtime running the same graph, on every shipped latent model.</summary>
[TestClass]
public sealed class FusedLatentStepperTest
{
    /// <summary>Shipped latent models and the largest current of their training stimuli (their cards' units).</summary>
    private static readonly (string Name, double MaxCurrent)[] Shipped =
        [("latent", 20), ("rs_latent", 25), ("hh_latent", 0.3), ("pyramid_latent", 1), ("pyramid_latent_k5", 1)];

    /// <summary>A shipped model's spec, from its card.</summary>
    private static LatentSpec Spec(string name) => LatentModelCard.Read(TestPaths.Model(name + ".json")).ToSpec(TestPaths.Model(name + ".json"));

    /// <summary>Mixed stimuli scaled to a model's range: 24 traces of 400 ms, the currents of each input column.</summary>
    private static (double[][] Inputs, int Traces, int Steps) Currents(LatentSpec spec, double maxCurrent)
    {
        var batch = DatasetGenerator.Generate(new DatasetOptions
        {
            Runs = 12, NeuronsPerRun = 2, Steps = 4000, Seed = 31,
            Stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = 25 },
        });
        double scale = maxCurrent / 25;
        var current = batch.Currents.Select(c => c * scale).ToArray();
        var inputs = spec.Inputs.Select((_, c) => c == 0 ? current : current.Select(x => 0.3 * x).ToArray()).ToArray();
        return (inputs, batch.TraceCount, batch.Steps);
    }

    [TestMethod]
    public void FusedLatentStepperTest_OneStepAgreesWithOnnxRuntimeOnVisitedStates()
    {
        foreach (var (name, maxCurrent) in Shipped)
        {
            string model = TestPaths.Model(name + ".onnx");
            var spec = Spec(name);
            using var fused = new FusedLatentStepper(model, spec);
            using var onnx = new OnnxLatentStepper(model, spec);
            var (inputs, traces, steps) = Currents(spec, maxCurrent);
            // The states ONNX Runtime's own closed loop visits, every 23rd step: one step of each engine from each.
            var recorder = new Recorder(onnx, every: 23);
            LatentRollout.ClosedLoop(recorder, inputs, new double[traces * steps], traces);
            double worst = 0;
            foreach (var (currents, state) in recorder.Recorded)
            {
                var (stateA, stateB) = ((float[])state.Clone(), (float[])state.Clone());
                var (voltagesA, voltagesB) = (new float[traces * spec.StepFactor], new float[traces * spec.StepFactor]);
                var (probabilityA, probabilityB) = (new float[traces], new float[traces]);
                fused.Advance(currents, stateA, voltagesA, probabilityA, traces);
                onnx.Advance(currents, stateB, voltagesB, probabilityB, traces);
                worst = Math.Max(worst, Largest(voltagesA, voltagesB));
                worst = Math.Max(worst, Largest(probabilityA, probabilityB));
                worst = Math.Max(worst, Largest(stateA, stateB));
            }
            Assert.IsGreaterThan(10, recorder.Recorded.Count);
            Assert.IsLessThanOrEqualTo(1e-4, worst, $"{name}: largest difference {worst:E2} relative to max(1, |value|)");
        }

        static double Largest(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).Max();
    }

    /// <summary>Rows stepped together (four at a time where the machine has 512-bit vectors) give the bits of rows stepped alone.</summary>
    [TestMethod]
    public void FusedLatentStepperTest_RowsSteppedTogetherGiveTheBitsOfRowsSteppedAlone()
    {
        foreach (var (name, maxCurrent) in Shipped)
        {
            string model = TestPaths.Model(name + ".onnx");
            var spec = Spec(name);
            using var fused = new FusedLatentStepper(model, spec);
            var (inputs, traces, steps) = Currents(spec, maxCurrent);
            var recorder = new Recorder(fused, every: 41);
            LatentRollout.ClosedLoop(recorder, inputs, new double[traces * steps], traces);
            foreach (var (currents, state) in recorder.Recorded.Take(20))
            {
                int rows = currents.Length / spec.CurrentsPerStep;
                var together = (float[])state.Clone();
                var voltagesTogether = new float[rows * spec.StepFactor];
                var probabilityTogether = new float[rows];
                fused.Advance(currents, together, voltagesTogether, probabilityTogether, rows);
                for (int r = 0; r < rows; r++)
                {
                    var alone = state.AsSpan(r * spec.StateSize, spec.StateSize).ToArray();
                    var voltages = new float[spec.StepFactor];
                    var probability = new float[1];
                    fused.Advance(currents.AsSpan(r * spec.CurrentsPerStep, spec.CurrentsPerStep), alone, voltages, probability, 1);
                    CollectionAssert.AreEqual(alone, together.AsSpan(r * spec.StateSize, spec.StateSize).ToArray(), name);
                    CollectionAssert.AreEqual(voltages, voltagesTogether.AsSpan(r * spec.StepFactor, spec.StepFactor).ToArray(), name);
                    Assert.AreEqual(probability[0], probabilityTogether[r], name);
                }
            }
        }
    }

    /// <summary>
    /// A closed loop over a few traces (blocks smaller than <see cref="LatentRollout.BlockTraces"/>, so that every core
    /// gets one) and over many gives each trace the bits of that trace run alone.
    /// </summary>
    [TestMethod]
    public void FusedLatentStepperTest_ClosedLoopInBlocksGivesTheBitsOfEachTraceAlone()
    {
        var (name, maxCurrent) = Shipped[^1];
        using var model = (LatentSurrogate)SurrogateModel.Open(TestPaths.Model(name + ".onnx"));
        var (inputs, traces, steps) = Currents(model.Spec, maxCurrent);
        Assert.IsLessThan(traces, LatentRollout.BlockSize(traces));
        foreach (int count in new[] { 3, traces })
        {
            var together = new double[count * steps];
            LatentRollout.ClosedLoop(model.OneStep, [.. inputs.Select(c => c[..(count * steps)])], together, count);
            for (int t = 0; t < count; t++)
            {
                var alone = new double[steps];
                LatentRollout.ClosedLoop(model.OneStep, [.. inputs.Select(c => c[(t * steps)..((t + 1) * steps)])], alone, 1);
                CollectionAssert.AreEqual(alone, together[(t * steps)..((t + 1) * steps)], $"{count} traces, trace {t}");
            }
        }
    }

    [TestMethod]
    public void FusedLatentStepperTest_ClosedLoopGivesOnnxRuntimesSpikeSteps()
    {
        foreach (var (name, maxCurrent) in Shipped)
        {
            string model = TestPaths.Model(name + ".onnx");
            using var fused = (LatentSurrogate)SurrogateModel.Open(model);
            using var onnx = (LatentSurrogate)SurrogateModel.Open(model, engine: SurrogateEngine.Onnx);
            Assert.AreEqual(SurrogateEngine.Fused, fused.Engine);
            Assert.AreEqual(SurrogateEngine.Onnx, onnx.Engine);
            var (inputs, traces, steps) = Currents(fused.Spec, maxCurrent);
            var columns = fused.InputColumns.Zip(inputs).ToDictionary(p => p.First, p => p.Second);
            var a = new double[traces * steps];
            var b = new double[traces * steps];
            fused.Predict(PredictionMode.ClosedLoop, columns, a, traces);
            onnx.Predict(PredictionMode.ClosedLoop, columns, b, traces);
            // The engines agree to float32 rounding on one step, not bit for bit; over 400 ms of tonic firing a closed loop
            // near threshold can carry that difference into a spike a step early or late, as the retrained pyramid_latent
            // does on 2 of these 24 traces (same count, the last few spikes ±1 data step, 0.1 ms) and the k = 5
            // pyramid_latent_k5 trained on both datasets on one (a late spike 2 data steps apart, within its 0.5 ms model
            // step). On the 155 test traces of data/pyramid_mixed.csv the two engines give identical spikes (`predict`
            // with and without --engine onnx). So: every trace the same spike count with every spike within one model
            // step, and most traces (≥ 90 %) exactly the same steps.
            int same = SpikeDetector.TracesWithSameSpikes(traces, steps, fused.TimeStepMs, a, b.Select(x => (float)x).ToArray());
            Assert.IsGreaterThanOrEqualTo((int)Math.Ceiling(0.9 * traces), same, $"{name}: the same spike steps on {same} of {traces} traces");
            for (int t = 0; t < traces; t++)
            {
                var fusedSpikes = SpikeDetector.Detect(a.AsSpan(t * steps, steps), fused.TimeStepMs);
                var onnxSpikes = SpikeDetector.Detect(b.AsSpan(t * steps, steps), fused.TimeStepMs);
                Assert.HasCount(onnxSpikes.Count, fusedSpikes, $"{name}, trace {t}: the same spike count");
                for (int i = 0; i < fusedSpikes.Count; i++)
                {
                    Assert.IsLessThanOrEqualTo(fused.Spec.StepFactor * fused.TimeStepMs + 1e-9, Math.Abs(fusedSpikes[i] - onnxSpikes[i]),
                        $"{name}, trace {t}, spike {i}: within one model step");
                }
            }
            Assert.IsTrue(a.Any(SpikeFlagsCount), $"{name}: the fused closed loop fires on these currents, so the comparison means something");
        }

        static bool SpikeFlagsCount(double v) => v >= SpikeFlags.ThresholdMv;
    }

    [TestMethod]
    public void FusedLatentStepperTest_ExpIsAccurateAndTheGraphMustMatchTheCard()
    {
        for (float x = -80; x <= 80; x += 0.37f)
        {
            float e = FusedExp(x);
            Assert.IsLessThanOrEqualTo(3e-7, Math.Abs(e - Math.Exp(x)) / Math.Exp(x), $"e^{x}");
        }
        var spec = Spec("hh_latent");
        var wrong = Assert.ThrowsExactly<InputException>(() => new FusedLatentStepper(TestPaths.Model("hh_latent.onnx"), spec with { VoltageMemory = spec.VoltageMemory + 1 }));
        StringAssert.Contains(wrong.Message, "hh_latent.onnx");
        var notLatent = Assert.ThrowsExactly<InputException>(() => new FusedLatentStepper(TestPaths.Model("surrogate.onnx"), spec));
        StringAssert.Contains(notLatent.Message, "surrogate.onnx");
    }

    private static float FusedExp(float x) => FusedLatentStepper.Exp(System.Runtime.Intrinsics.Vector256.Create(x)).GetElement(0);

    /// <summary>Passes every call through and keeps the inputs of every n-th call.</summary>
    private sealed class Recorder(ILatentStepper inner, int every) : ILatentStepper
    {
        private int _calls;

        public List<(float[] Currents, float[] State)> Recorded { get; } = [];

        public LatentSpec Spec => inner.Spec;

        public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
        {
            if (_calls++ % every == 0)
            {
                Recorded.Add((currents[..(rows * Spec.CurrentsPerStep)].ToArray(), state[..(rows * Spec.StateSize)].ToArray()));
            }
            inner.Advance(currents, state, voltagesMv, spikeProbability, rows);
        }
    }
}
