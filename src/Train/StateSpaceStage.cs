using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Torch;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// The state-space MLP: build its training rows and standardization from the training runs, train it with selection by
/// closed-loop Γ on the validation runs, export both graphs, score the exported one-step graph on the test runs, check
/// the rollout graph and the trained module against it, and write its card. Everything about the state comes from the
/// <see cref="StateSpaceSpec"/>.
/// </summary>
internal static class StateSpaceStage
{
    /// <summary>
    /// Builds the training rows (every <paramref name="stride"/>-th eligible step) and their standardization from the
    /// training runs, and trains the MLP with selection by closed-loop Γ, then subthreshold RMSE, on the validation runs.
    /// </summary>
    /// <returns>The chosen module (the caller disposes it), the epochs, and the number of training rows.</returns>
    public static (StateSpaceMlp Model, IReadOnlyList<EpochReport> History, int Rows) Fit(MLContext ml, StateSpaceSpec spec, MlpSettings settings,
        TraceSet train, TraceSet validation, int stride, Action<int> rowsBuilt, Action<EpochReport> progress)
    {
        var (states, increments) = StateSpaceSamples.Build(train, spec, stride);
        var scaling = StateNormalizer.Fit(ml, states, increments);
        int rows = states.Length / StateSpaceSpec.InputWidth;
        rowsBuilt(rows);
        var (model, history) = StateSpaceTrainer.Train(settings, scaling, states, increments, m =>
        {
            var score = ClosedLoop(m, spec, validation).Score;
            return (score.Gamma, score.RmseSubthresholdMv);
        }, progress);
        return (model, history, rows);
    }

    /// <summary>The trained module run closed loop over a set: its metrics and the traces that diverged.</summary>
    public static (MetricSummary Score, int Diverged) ClosedLoop(StateSpaceMlp model, StateSpaceSpec spec, TraceSet traces)
    {
        var predictions = new double[traces.VoltagesMv.Length];
        var stops = StateSpaceRollout.ClosedLoop(new TorchStatePredictor(model), traces.Currents, predictions, traces.TraceCount, spec);
        return (Evaluation.Summarize(traces, predictions), stops.Count(s => s >= 0));
    }

    public static StateSpaceOutcome Run(MLContext ml, StateSpaceSpec spec, IzhikevichSimulationOptions simulation, SplitTraces data, TrainOptions options, Action<string> log)
    {
        var (train, validation, test) = (data.Train, data.Validation, data.Test);
        var settings = new MlpSettings { Seed = options.Seed, Epochs = options.Epochs, Hidden = options.Hidden };
        var (model, history, trainingRows) = Fit(ml, spec, settings, train, validation, options.MlpStride,
            rows => log(Invariant($"mlp: {rows:N0} training rows; {settings}")),
            r => log(Invariant($"mlp epoch {r.Epoch}: loss {r.TrainLoss:E3}, validation closed loop Γ {r.ValidationGamma:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F3} mV, lr {r.LearningRate:E2}, {r.Seconds:F1} s{(r.Best ? " (best)" : "")}")));
        using (model)
        {
            string onnxPath = Path.Combine(options.ModelsFolder, $"{options.ModelName}.onnx");
            string rolloutPath = Path.Combine(options.ModelsFolder, $"{options.ModelName}_rollout.onnx");
            Directory.CreateDirectory(options.ModelsFolder);
            StateSpaceOnnxExporter.Write(model, spec, onnxPath, rolloutPath);

            // Test-set scoring runs the exported one-step graph with ONNX Runtime: what is measured is what ships.
            using var surrogate = new StateSpaceSurrogate(onnxPath, spec, StateSpaceOnnxExporter.StateInput, StateSpaceOnnxExporter.IncrementOutput);
            var score = SurrogateScoring.Test("mlp", surrogate, test, log);
            var (result, closed) = (score.Result, score.ClosedLoop);

            // The rollout graph must tell the same story as the C#-driven loop.
            using var rollout = new OnnxRolloutModel(rolloutPath);
            var graphVoltages = rollout.Run(test.Currents.Select(c => (float)c).ToArray(), test.TraceCount);
            int sameSpikes = SpikeDetector.TracesWithSameSpikes(test.TraceCount, test.Steps, test.TimeStepMs, closed, graphVoltages);
            log(Invariant($"mlp: rollout graph and C# loop give the same spike times on {sameSpikes} of {test.TraceCount} test traces"));

            // The graph carries the standardization folded into its weights: one step of the trained module and of the
            // graph on the test traces' true states, as the parity test does on a small model.
            var (testStates, _) = StateSpaceSamples.Build(test, spec, stride: 7);
            int rows = testStates.Length / StateSpaceSpec.InputWidth;
            var fromTorch = new float[rows * StateSpaceSpec.OutputWidth];
            var fromOnnx = new float[rows * StateSpaceSpec.OutputWidth];
            new TorchStatePredictor(model).Predict(testStates, fromTorch, rows);
            surrogate.OneStep.Predict(testStates, fromOnnx, rows);
            double largest = fromTorch.Max(Math.Abs);
            double parity = fromTorch.Zip(fromOnnx, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-2 * largest)).Max();
            log(Invariant($"mlp: one step, ONNX Runtime vs TorchSharp on {rows:N0} test states: largest relative difference {parity:E1}"));

            var card = StateSpaceCards.Create(options.ModelName, model, spec, simulation, settings, history, trainingRows, options.DatasetPath, result.CardMetrics());
            TrainFiles.WriteText(Path.Combine(options.ModelsFolder, $"{options.ModelName}.json"), card.ToJson());
            return new StateSpaceOutcome(result, closed, history, sameSpikes, test.TraceCount, parity);
        }
    }
}
