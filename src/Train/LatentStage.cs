using System.Diagnostics;
using Microsoft.ML;
using NeuronSurrogate.Cards;
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

    /// <summary>Scores the exported graph on the test runs in both modes, and checks the rollout graph and the module against it.</summary>
    public static LatentEvaluation Evaluate(string name, LatentNetwork network, LatentExport export, TraceSet test, Action<string> log)
    {
        var spec = network.Spec;
        var inputs = spec.Inputs.Select(i => test.Input(i.Column)).ToArray();
        TestScore score;
        using (var surrogate = new LatentSurrogate(export.OnnxPath, spec))
        {
            score = SurrogateScoring.Test(name, surrogate, test, log);
        }
        var (result, closed, diverged) = (score.Result, score.ClosedLoop, score.Diverged);

        // The rollout graph must tell the same story as the C#-driven loop over the one-step graph.
        using var rollout = new OnnxRolloutModel(export.RolloutPath, LatentOnnxExporter.CurrentsInput, LatentOnnxExporter.VoltagesOutput,
            otherInputs: LatentOnnxExporter.RolloutInputs(spec).Skip(1).ToArray());
        var graph = rollout.Run(inputs.Select(a => a.Select(x => (float)x).ToArray()).ToArray(), test.TraceCount);
        int same = SpikeDetector.TracesWithSameSpikes(test.TraceCount, test.Steps, test.TimeStepMs, closed, graph);
        log(Invariant($"{name}: rollout graph and C# loop give the same spike times on {same} of {test.TraceCount} test traces"));

        double parity = Parity(network, export.OnnxPath, inputs, test);
        log(Invariant($"{name}: one step, ONNX Runtime vs TorchSharp on test states: largest difference {parity:E1} (relative to max(1, |value|))"));
        return new LatentEvaluation(result, closed, same, test.TraceCount, parity, diverged);
    }

    /// <summary>
    /// One step of the graph and of the trained module from the same states: those the graph itself visits every 37th
    /// step of a closed loop over (up to) 64 test traces. The largest |difference| / max(1, |value|) over the voltages,
    /// the spike probability and the next state.
    /// </summary>
    private static double Parity(LatentNetwork network, string onnxPath, double[][] inputs, TraceSet test)
    {
        var spec = network.Spec;
        using var onnx = new OnnxLatentStepper(onnxPath, spec);
        int traces = Math.Min(64, test.TraceCount), steps = test.Steps;
        var sampled = inputs.Select(a => a.AsSpan(0, traces * steps).ToArray()).ToArray();
        var recorder = new RecordingStepper(onnx, every: 37);
        LatentRollout.ClosedLoop(recorder, sampled, new double[traces * steps], traces);
        using var torch = new TorchLatentStepper(network);
        double worst = 0;
        foreach (var (currents, state, rows) in recorder.Recorded)
        {
            var (stateA, stateB) = ((float[])state.Clone(), (float[])state.Clone());
            var (voltagesA, voltagesB) = (new float[rows * spec.StepFactor], new float[rows * spec.StepFactor]);
            var (probabilityA, probabilityB) = (new float[rows], new float[rows]);
            onnx.Advance(currents, stateA, voltagesA, probabilityA, rows);
            torch.Advance(currents, stateB, voltagesB, probabilityB, rows);
            worst = Math.Max(worst, Largest(voltagesA, voltagesB));
            worst = Math.Max(worst, Largest(probabilityA, probabilityB));
            worst = Math.Max(worst, Largest(stateA, stateB));
        }
        return worst;

        static double Largest(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(y))).DefaultIfEmpty(0).Max();
    }

    /// <summary>The card: the spec, the tensors, the training and the test metrics.</summary>
    public static LatentModelCard Card(string name, LatentNetwork network, LatentSettings settings, LatentTrained trained, LatentEvaluation evaluation,
        CardSource source, IReadOnlyDictionary<string, MetricSummary>? moreMetrics = null)
    {
        var spec = network.Spec;
        var rolloutInputs = LatentOnnxExporter.RolloutInputs(spec);
        var metrics = new Dictionary<string, MetricSummary>
        {
            ["test_closed_loop"] = evaluation.Result.ClosedLoop,
            ["test_teacher_forced"] = evaluation.Result.TeacherForced,
        };
        foreach (var (key, value) in moreMetrics ?? new Dictionary<string, MetricSummary>())
        {
            metrics[key] = value;
        }
        string units = string.Join(", ", spec.Inputs.Select(i => $"{i.Column} ({i.Unit})"));
        return new LatentModelCard
        {
            Model = name,
            OnnxFile = $"{name}.onnx",
            RolloutOnnxFile = $"{name}_rollout.onnx",
            Description = Invariant($"Latent surrogate: it reads only the injected current(s) and its own previous outputs. A bank of {spec.VoltageMemory} leaky traces of its voltage and {spec.SpikeMemory} leaky counts of its spikes, time constants learned, feeds an MLP ({string.Join(" × ", settings.Hidden)}, SiLU) that returns the next {spec.StepFactor} voltage(s) and the probability of a spike among them{(spec.Rule is null ? "" : "; the peak → reset rule the training traces show is applied inside")}. Nothing of the simulator's internal state reaches it."),
            Opset = LatentOnnxExporter.Opset,
            Hidden = settings.Hidden,
            Activation = "SiLU",
            FlopPerStep = network.FlopPerStep(),
            Inputs =
            [
                new CardTensor(LatentOnnxExporter.CurrentsInput, [-1, spec.CurrentsPerStep], "float32", Invariant($"per row: the currents of the step's {spec.StepFactor} data step(s), each step's columns in the order of latent.inputs: {units}; raw units")),
                new CardTensor(LatentOnnxExporter.StateInput, [-1, spec.StateSize], "float32", "per row: the state (latent.state_layout); start from the initial state"),
            ],
            Outputs =
            [
                new CardTensor(LatentOnnxExporter.VoltagesOutput, [-1, spec.StepFactor], "float32", Invariant($"per row: the voltages (mV) of the next {spec.StepFactor} data step(s)")),
                new CardTensor(LatentOnnxExporter.SpikeProbabilityOutput, [-1, 1], "float32", "per row: the network's probability that the true trace spikes within those steps (a readout; the voltages are the prediction)"),
                new CardTensor(LatentOnnxExporter.NextStateOutput, [-1, spec.StateSize], "float32", "per row: the state after the step"),
            ],
            RolloutInputs = [.. rolloutInputs.Select((input, c) => new CardTensor(input, [-1, -1], "float32", Invariant($"{spec.Inputs[c].Column} ({spec.Inputs[c].Unit}) [N traces, T steps] at dt = {spec.TimeStepMs} ms")))],
            RolloutOutputs = [new CardTensor(LatentOnnxExporter.VoltagesOutput, [-1, -1], "float32", "voltages [N, T] in mV, closed loop from the initial state; voltage 0 is the initial voltage")],
            Latent = CardLatent.From(spec, network.VoltageTimeConstantsMs(), network.SpikeTimeConstantsMs()),
            Rule = spec.Rule is null ? null : CardLatentRule.From(spec.Rule),
            Source = source,
            HowToCall = Invariant($"Closed loop over currents of T data steps: state = the initial state, voltage[0] = latent.initial_voltage_mv; for t = 0, {spec.StepFactor}, 2·{spec.StepFactor}, …: (voltages[t+1..t+{spec.StepFactor}], p, state) = graph(currents of steps t..t+{spec.StepFactor - 1}, state). Teacher forcing: before each step set state[0] to the true voltage, state[1] to its spike flag, state[2] to its peak flag. The rollout graph does the closed loop for [N, T] currents in one call; `neuron-surrogate predict --model models/{name}.onnx` does it batched over traces."),
            Training = new Dictionary<string, object>
            {
                ["dataset"] = source.Dataset,
                ["seed"] = settings.Seed,
                ["settings"] = settings.ToString(),
                ["method"] = "masked multiple shooting: windows start from teacher-forced states at random times (noise on the true voltages), run free, and the voltage error counts up to the mask (LatentMask); backpropagation through the network's own rollouts; Adam, cosine learning rate, gradient clipping",
                ["normalization"] = "ML.NET NormalizeMeanVariance(fixZero: false) of the voltage, each current and the k increments, fitted on the training runs only",
                ["selection"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs, every evaluate_every iterations",
                ["evaluate_every"] = settings.EvaluateEvery,
                ["threads"] = settings.Threads,
                ["history"] = trained.History.Select(h => new Dictionary<string, object>
                {
                    ["iteration"] = h.Iteration,
                    ["train_loss"] = h.TrainLoss,
                    ["longest_window_steps"] = h.LongestWindowSteps,
                    ["validation_gamma"] = h.ValidationGamma,
                    ["validation_f1"] = h.ValidationF1,
                    ["validation_rmse_subthreshold_mv"] = h.ValidationRmseSubthresholdMv,
                    ["learning_rate"] = h.LearningRate,
                    ["best"] = h.Best,
                }).ToArray(),
            },
            Metrics = metrics,
        };
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
