using System.Diagnostics;
using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Torch;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// The latent surrogate's stages, shared by the main job and the latent jobs: fit the spec on the training runs,
/// train, export both graphs, and score the exported one-step graph on the test runs (what is measured is what ships),
/// with the rollout graph and the trained module checked against it.
/// </summary>
internal static class LatentStage
{
    /// <summary>The spec, fitted on the training runs only.</summary>
    public static LatentSpec FitSpec(MLContext ml, TraceSet train, string currentUnit, LatentSettings settings) =>
        LatentNormalizer.Fit(ml, train, currentUnit, settings.StepFactor, settings.VoltageMemory, settings.SpikeMemory);

    /// <summary>Trains the network; the caller owns it.</summary>
    public static LatentTrained Train(string name, LatentSpec spec, LatentSettings settings, TraceSet train, TraceSet validation, Action<string> log)
    {
        log(Invariant($"{name}: {train.TraceCount} training traces, inputs {string.Join(", ", spec.Inputs.Select(i => i.Column))}, state {spec.StateSize}, rule {(spec.Rule is null ? "none in the data" : $"{spec.Rule.PeakMv} → {spec.Rule.ResetMv} mV")}; {settings}"));
        var clock = Stopwatch.StartNew();
        var (network, history) = LatentTrainer.Train(spec, settings, train, validation, r => log(Invariant(
            $"{name} iteration {r.Iteration}: loss {r.TrainLoss:E2}, windows ≤ {r.LongestWindowSteps} steps, validation closed loop Γ {r.ValidationGamma:F4}, F1 {r.ValidationF1:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F2} mV, lr {r.LearningRate:E1}, {r.Seconds:F0} s{(r.Best ? " (best)" : "")}")));
        return new LatentTrained(network, history, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Writes <c>NAME.onnx</c> and <c>NAME_rollout.onnx</c> into <paramref name="modelsFolder"/>.</summary>
    public static LatentExport Export(LatentNetwork network, string modelsFolder, string name)
    {
        Directory.CreateDirectory(modelsFolder);
        var export = new LatentExport(Path.Combine(modelsFolder, $"{name}.onnx"), Path.Combine(modelsFolder, $"{name}_rollout.onnx"), Path.Combine(modelsFolder, $"{name}.json"));
        LatentOnnxExporter.Write(network, export.OnnxPath, export.RolloutPath);
        return export;
    }

    /// <summary>
    /// Scores the exported graph on the test runs in both modes with the fused CPU engine (the default engine, reading the
    /// graph's weights), and checks ONNX Runtime's rollout graph and one-step graph and the trained module against it.
    /// </summary>
    public static LatentEvaluation Evaluate(string name, LatentNetwork network, LatentExport export, TraceSet test, Action<string> log)
    {
        var spec = network.Spec;
        var inputs = spec.Inputs.Select(i => test.Input(i.Column)).ToArray();
        using var surrogate = new LatentSurrogate(export.OnnxPath, spec);
        var score = SurrogateScoring.Test(name, surrogate, test, log);
        var (result, closed, diverged) = (score.Result, score.ClosedLoop, score.Diverged);

        // The rollout graph must tell the same story as the C#-driven loop over the one-step graph.
        using var rollout = new OnnxRolloutModel(export.RolloutPath, LatentOnnxExporter.CurrentsInput, LatentOnnxExporter.VoltagesOutput,
            otherInputs: LatentOnnxExporter.RolloutInputs(spec).Skip(1).ToArray());
        var graph = rollout.Run(inputs.Select(a => a.Select(x => (float)x).ToArray()).ToArray(), test.TraceCount);
        int same = SpikeDetector.TracesWithSameSpikes(test.TraceCount, test.Steps, test.TimeStepMs, closed, graph);
        log(Invariant($"{name}: rollout graph and C# loop give the same spike times on {same} of {test.TraceCount} test traces"));

        using var onnx = new OnnxLatentStepper(export.OnnxPath, spec);
        double parity = Parity(network, onnx, inputs, test);
        log(Invariant($"{name}: one step, ONNX Runtime vs TorchSharp on test states: largest difference {parity:E1} (relative to max(1, |value|))"));
        double fusedParity = Parity(network, surrogate.OneStep, inputs, test);
        log(Invariant($"{name}: one step, fused engine vs TorchSharp on test states: largest difference {fusedParity:E1}"));
        return new LatentEvaluation(result, closed, same, test.TraceCount, parity, fusedParity, diverged);
    }

    /// <summary>
    /// One step of the graph and of the trained module from the same states: those the graph itself visits every 37th
    /// step of a closed loop over (up to) 64 test traces. The largest |difference| / max(1, |value|) over the voltages,
    /// the spike probability and the next state.
    /// </summary>
    private static double Parity(LatentNetwork network, ILatentStepper engine, double[][] inputs, TraceSet test)
    {
        var spec = network.Spec;
        int traces = Math.Min(64, test.TraceCount), steps = test.Steps;
        var sampled = inputs.Select(a => a.AsSpan(0, traces * steps).ToArray()).ToArray();
        var recorder = new RecordingStepper(engine, every: 37);
        LatentRollout.ClosedLoop(recorder, sampled, new double[traces * steps], traces);
        using var torch = new TorchLatentStepper(network);
        double worst = 0;
        foreach (var (currents, state, rows) in recorder.Recorded)
        {
            var (stateA, stateB) = ((float[])state.Clone(), (float[])state.Clone());
            var (voltagesA, voltagesB) = (new float[rows * spec.StepFactor], new float[rows * spec.StepFactor]);
            var (probabilityA, probabilityB) = (new float[rows], new float[rows]);
            engine.Advance(currents, stateA, voltagesA, probabilityA, rows);
            torch.Advance(currents, stateB, voltagesB, probabilityB, rows);
            worst = Math.Max(worst, Largest(voltagesA, voltagesB));
            worst = Math.Max(worst, Largest(probabilityA, probabilityB));
            worst = Math.Max(worst, Largest(stateA, stateB));
        }
        return worst;

        static double Largest(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).DefaultIfEmpty(0).Max();
    }


    /// <summary>A stepper that passes every call through and keeps a copy of the inputs of every n-th call.</summary>
    private sealed class RecordingStepper(ILatentStepper inner, int every) : ILatentStepper
    {
        private int _calls;

        public List<(float[] Currents, float[] State, int Rows)> Recorded { get; } = [];

        public LatentSpec Spec => inner.Spec;

        public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
        {
            if (_calls++ % every == 0)
            {
                Recorded.Add((currents[..(rows * Spec.CurrentsPerStep)].ToArray(), state[..(rows * Spec.StateSize)].ToArray(), rows));
            }
            inner.Advance(currents, state, voltagesMv, spikeProbability, rows);
        }
    }
}
