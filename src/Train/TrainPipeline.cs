using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Features;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// The main job: load and split the dataset by run, fit the baselines and models on the training runs, choose their
/// settings on the validation runs, export them, and score everything on the held-out test runs.
/// </summary>
internal sealed class TrainPipeline(TrainOptions options, Action<string> log)
{
    private readonly Dictionary<string, double> _timings = [];
    private IReadOnlyList<Torch.EpochReport> _history = [];
    private (int Same, int Traces) _rolloutAgreement;
    private double _parity;
    private readonly List<string> _plots = [];
    private readonly Dictionary<string, double[]> _closedLoop = [];

    /// <summary>FastTree settings tried on the validation runs; the best closed-loop Γ (then subthreshold RMSE) wins.</summary>
    private static readonly FastTreeSettings[] FastTreeCandidates =
    [
        new() { Trees = 100, Leaves = 32, LearningRate = 0.2 },
        new() { Trees = 200, Leaves = 64, LearningRate = 0.1 },
        new() { Trees = 100, Leaves = 16, LearningRate = 0.3 },
    ];

    public int Run()
    {
        var total = Stopwatch.StartNew();
        var simulation = new IzhikevichSimulationOptions();
        string dataset = EnsureDataset(simulation);
        var ml = new MLContext(options.Seed);

        bool hasRecovery;
        using (var header = TraceCsvReader.Open(dataset, []))
        {
            hasRecovery = header.Headers.Contains(TraceColumns.Recovery);
        }
        var view = Timed("load", () => TraceDataLoader.Load(ml, dataset, hasRecovery));
        var (split, trainView, validationView, testView) = Timed("split", () => RunSplit.Create(ml, view, seed: options.Seed));
        WriteText(Path.Combine(options.ResultsFolder, "split.json"), split.ToJson());
        var train = TraceDataLoader.ToTraceSet(trainView, dataset);
        var validation = TraceDataLoader.ToTraceSet(validationView, dataset);
        var test = TraceDataLoader.ToTraceSet(testView, dataset);
        log(Invariant($"split by run: {split.Train.Count} train, {split.Validation.Count} validation, {split.Test.Count} test runs ({train.TraceCount}/{validation.TraceCount}/{test.TraceCount} traces)"));

        var results = new Dictionary<string, ModelResult>();
        Timed("baselines", () => AddBaselines(results, simulation, train, test));

        var spec = new FeatureSpec
        {
            VoltageLags = FeatureSpec.Range(options.VoltageLags),
            CurrentLags = FeatureSpec.Range(options.CurrentLags),
            TimeStepMs = train.TimeStepMs,
            Target = FeatureTarget.Increment,
        }.Validate();
        var rule = SpikeResetRule.For(simulation.Parameters);
        VoltageLagModelCard? fastTreeCard = null;
        Task<LatentEvaluation>? latentRun = null;
        if (options.Regime == TrainRegime.Default)
        {
            // The latent surrogate learns from the current and the voltage alone (the recovery column is never read).
            // It trains on its own thread, with its own ML.NET context, while FastTree (ML.NET only) trains on this one;
            // it is awaited before the MLP, so that no two TorchSharp trainings ever overlap.
            latentRun = Task.Run(() => Timed("latent", () =>
                Latent(new MLContext(options.Seed), simulation, train.WithoutRecovery(), validation.WithoutRecovery(), test.WithoutRecovery(), dataset)));
            (results["fasttree"], fastTreeCard) = Timed("fasttree", () => FastTree(ml, spec, rule, simulation, train, validation, test, split));
        }
        var latent = latentRun?.GetAwaiter().GetResult();
        if (hasRecovery)
        {
            var (mlp, history) = Timed("mlp", () => Mlp(ml, rule, simulation, train, validation, test));
            results["mlp"] = mlp;
            _history = history;
        }
        else
        {
            log("no recovery column: the state-space MLP is skipped");
        }
        if (latent is not null)
        {
            results["latent"] = latent.Result;
            _closedLoop["latent"] = latent.ClosedLoop;
        }

        Timed("generalization", () => Generalize(ml, simulation, test));
        Timed("plots", () => Plot(test, _closedLoop));
        WriteMetrics(dataset, split, results);
        WriteReport(dataset, split, results, spec, fastTreeCard, latent, total.Elapsed.TotalSeconds);
        log(Invariant($"done in {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private readonly Dictionary<string, GeneralizationResult> _generalization = [];

    /// <summary>Scores every shipped RS model (state-space and latent) on the default test runs, the held-out mixed set and the f–I curve.</summary>
    private void Generalize(MLContext ml, IzhikevichSimulationOptions simulation, TraceSet test)
    {
        var defaultTest = options.Regime == TrainRegime.Default ? test : DefaultTestRuns(ml, simulation);
        var mixed = GeneralizationSuites.MixedHeldOut(simulation);
        foreach (string name in new[] { "surrogate", "surrogate_mixed", "latent", BuiltInNeuron.Izhikevich.ModelName })
        {
            string path = Path.Combine(options.ModelsFolder, $"{name}.onnx");
            if (!File.Exists(path))
            {
                log($"generalization: {path} not found, skipped");
                continue;
            }
            var result = GeneralizationSuites.Evaluate(path, defaultTest, mixed, simulation);
            _generalization[name] = result;
            log(Invariant($"generalization of {name}: default test Γ {result.DefaultTest.Gamma:F3}, held-out mixed Γ {result.MixedHeldOut.Gamma:F3}, f–I levels within tolerance {result.FiCurve.Count(p => p.WithinTolerance)}/{result.FiCurve.Count} (max error {result.FiCurve.Max(p => p.Error)} spikes)"));
        }
    }

    /// <summary>The default dataset's test runs, split exactly as the default regime splits them.</summary>
    private TraceSet DefaultTestRuns(MLContext ml, IzhikevichSimulationOptions simulation)
    {
        string path = TrainOptions.For(TrainRegime.Default).DatasetPath;
        if (!File.Exists(path))
        {
            var batch = DatasetGenerator.Generate(new DatasetOptions { Simulation = simulation, IncludeRecovery = true });
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.Write(path, stream => DatasetCsvWriter.WriteDataset(stream, batch));
        }
        var (_, _, _, testView) = RunSplit.Create(ml, TraceDataLoader.Load(ml, path), seed: options.Seed);
        return TraceDataLoader.ToTraceSet(testView, path);
    }

    private string EnsureDataset(IzhikevichSimulationOptions simulation)
    {
        string path = options.DatasetPath;
        bool isDefault = path == TrainOptions.For(options.Regime).DatasetPath;
        if (File.Exists(path))
        {
            using var reader = TraceCsvReader.Open(path, []);
            if (reader.Headers.Contains(TraceColumns.Recovery) || !isDefault)
            {
                return path;
            }
            log($"{path} has no recovery column, which the state-space model trains on: regenerating it (same seed, same traces, one more column)");
        }
        else if (!isDefault)
        {
            throw InputException.About(path, "an existing dataset (only the default dataset is generated when missing)");
        }
        else
        {
            log($"{path} is missing: generating it ({options.Regime} regime, seed 42)");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var batch = DatasetGenerator.Generate(new DatasetOptions
        {
            Simulation = simulation,
            IncludeRecovery = true,
            Stimulus = new Stimuli.StimulusOptions { Kind = options.Regime == TrainRegime.Mixed ? Stimuli.StimulusKind.Mixed : Stimuli.StimulusKind.Gaussian },
        });
        AtomicFile.Write(path, stream => DatasetCsvWriter.WriteDataset(stream, batch));
        return path;
    }

    private static void AddBaselines(Dictionary<string, ModelResult> results, IzhikevichSimulationOptions simulation, TraceSet train, TraceSet test)
    {
        var predictions = new double[test.VoltagesMv.Length];
        ModelResult Score()
        {
            var summary = Evaluation.Summarize(test, predictions);
            return new ModelResult(summary, summary);
        }
        TrivialBaselines.ConstantRest(predictions);
        results["constant_rest"] = Score();
        TrivialBaselines.TrainMean(train.VoltagesMv.Average(), predictions);
        results["train_mean"] = Score();
        TrivialBaselines.InputBlind(simulation with { TimeStepMs = train.TimeStepMs }, train.Currents.Average(), predictions, test.TraceCount);
        results["input_blind"] = Score();
    }

    private (ModelResult Result, VoltageLagModelCard Card) FastTree(MLContext ml, FeatureSpec spec, SpikeResetRule rule,
        IzhikevichSimulationOptions simulation, TraceSet train, TraceSet validation, TraceSet test, RunSplit split)
    {
        var trainFeatures = FeatureDataView.Create(ml, spec, train, options.FastTreeStride);
        var candidates = new List<(FastTreeSettings Settings, ITransformer Model, MetricSummary Validation)>();
        foreach (var settings in FastTreeCandidates)
        {
            var clock = Stopwatch.StartNew();
            var model = FastTreeBaseline.Fit(ml, trainFeatures, settings);
            var predictor = new MlNetPredictor(ml, model, spec);
            var predictions = new double[validation.VoltagesMv.Length];
            VoltageLagRollout.ClosedLoop(spec, predictor, validation.Currents, predictions, validation.TraceCount, rule);
            var score = Evaluation.Summarize(validation, predictions);
            candidates.Add((settings, model, score));
            log(Invariant($"fasttree {settings}: validation closed loop Γ {score.Gamma:F3}, subthreshold RMSE {score.RmseSubthresholdMv:F2} mV ({clock.Elapsed.TotalSeconds:F0} s)"));
        }
        var best = candidates.OrderByDescending(c => Math.Round(c.Validation.Gamma, 3)).ThenBy(c => c.Validation.RmseSubthresholdMv).First();
        log($"fasttree chosen on validation runs: {best.Settings}");

        string onnxPath = Path.Combine(options.ModelsFolder, "fasttree.onnx");
        Directory.CreateDirectory(options.ModelsFolder);
        // The export sample: a few rows of the training features, for the converter to read the schema from.
        FastTreeBaseline.ExportOnnx(ml, best.Model, ml.Data.TakeRows(trainFeatures, 16), onnxPath);

        // Test-set scoring goes through the exported graph with ONNX Runtime: what is measured is what ships.
        using var onnx = new OnnxOneStepPredictor(onnxPath, FeatureDataView.FeaturesColumn, "Score.output");
        var closed = new double[test.VoltagesMv.Length];
        var diverged = VoltageLagRollout.ClosedLoop(spec, onnx, test.Currents, closed, test.TraceCount, rule);
        if (diverged.Any(d => d >= 0))
        {
            log($"fasttree: {diverged.Count(d => d >= 0)} test traces diverged in closed loop");
        }
        var forced = new double[test.VoltagesMv.Length];
        VoltageLagRollout.TeacherForced(spec, onnx, test.Currents, test.VoltagesMv, forced, test.TraceCount, rule);
        var result = new ModelResult(Evaluation.Summarize(test, closed), Evaluation.Summarize(test, forced));
        _closedLoop["fasttree"] = closed;

        var card = new VoltageLagModelCard
        {
            Model = "fasttree",
            OnnxFile = "fasttree.onnx",
            Description = "ML.NET FastTree (gradient-boosted regression trees) baseline on causal voltage and current lags, mean-variance normalization inside the graph.",
            Inputs =
            [
                new CardTensor(FeatureDataView.FeaturesColumn, [-1, spec.Count], "float32", "raw features (mV and current units) in the order of features.names; the graph normalizes them"),
                new CardTensor(FeatureDataView.LabelColumn, [-1, 1], "float32", "unused by the computation; ML.NET's ONNX export makes every loaded column an input: feed zeros"),
            ],
            Outputs = [new CardTensor("Score.output", [-1, 1], "float32", spec.Target == FeatureTarget.Increment ? "V(t) − V(t−1) in mV" : "V(t) in mV")],
            Features = CardFeatures.From(spec),
            Rule = CardRule.From(rule),
            Neuron = CardNeuron.From(simulation),
            HowToCall = "Closed loop over a trace of currents I(0..T−1): keep the last max-lag predicted voltages (padded with voltage_padding_mv) and " +
                        "currents (padded with current_padding); at each step t build the features, run the graph, V(t) = V(t−1) + output, then apply " +
                        "the structural rule. `neuron-surrogate predict --model models/fasttree.onnx` does this (batched over traces).",
            Training = new Dictionary<string, object>
            {
                ["dataset"] = options.DatasetPath,
                ["seed"] = options.Seed,
                ["train_runs"] = split.Train.Count,
                ["row_stride"] = options.FastTreeStride,
                ["trees"] = best.Settings.Trees,
                ["leaves"] = best.Settings.Leaves,
                ["learning_rate"] = best.Settings.LearningRate,
                ["min_examples_per_leaf"] = best.Settings.MinimumExamplesPerLeaf,
                ["chosen_by"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs; candidates: " + string.Join("; ", FastTreeCandidates.Select(c => c.ToString())),
                ["validation_closed_loop"] = candidates.Select(c => new Dictionary<string, object>
                {
                    ["settings"] = c.Settings.ToString(),
                    ["gamma"] = c.Validation.Gamma,
                    ["rmse_subthreshold_mv"] = c.Validation.RmseSubthresholdMv,
                }).ToArray(),
            },
            Metrics = new Dictionary<string, MetricSummary> { ["test_closed_loop"] = result.ClosedLoop, ["test_teacher_forced"] = result.TeacherForced },
        };
        WriteText(Path.Combine(options.ModelsFolder, "fasttree.json"), card.ToJson());
        return (result, card);
    }

    private (ModelResult Result, IReadOnlyList<Torch.EpochReport> History) Mlp(MLContext ml, SpikeResetRule rule,
        IzhikevichSimulationOptions simulation, TraceSet train, TraceSet validation, TraceSet test)
    {
        var settings = new Torch.MlpSettings { Seed = options.Seed, Epochs = options.Epochs, Hidden = options.Hidden };
        var (states, increments) = StateSpaceSamples.Build(train, rule, options.MlpStride);
        var scaling = StateNormalizer.Fit(ml, states, increments);
        log(Invariant($"mlp: {states.Length / 3:N0} training rows; {settings}"));
        double v0 = simulation.InitialVoltageMv, u0 = simulation.InitialRecovery;
        (double, double) Validate(Torch.StateSpaceMlp model)
        {
            var predictions = new double[validation.VoltagesMv.Length];
            StateSpaceRollout.ClosedLoop(new Torch.TorchStatePredictor(model), validation.Currents, predictions, validation.TraceCount, rule, v0, u0);
            var score = Evaluation.Summarize(validation, predictions);
            return (score.Gamma, score.RmseSubthresholdMv);
        }
        var (model, history) = Torch.StateSpaceTrainer.Train(settings, scaling, states, increments, Validate, r =>
            log(Invariant($"mlp epoch {r.Epoch}: loss {r.TrainLoss:E3}, validation closed loop Γ {r.ValidationGamma:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F3} mV, lr {r.LearningRate:E2}, {r.Seconds:F1} s{(r.Best ? " (best)" : "")}")));
        using (model)
        {
            string onnxPath = Path.Combine(options.ModelsFolder, $"{options.ModelName}.onnx");
            string rolloutPath = Path.Combine(options.ModelsFolder, $"{options.ModelName}_rollout.onnx");
            Directory.CreateDirectory(options.ModelsFolder);
            Torch.StateSpaceOnnxExporter.Write(model, rule, v0, u0, onnxPath, rolloutPath);

            // Test-set scoring runs the exported one-step graph with ONNX Runtime: what is measured is what ships.
            using var onnx = new OnnxStatePredictor(onnxPath);
            var closed = new double[test.VoltagesMv.Length];
            var diverged = StateSpaceRollout.ClosedLoop(onnx, test.Currents, closed, test.TraceCount, rule, v0, u0);
            if (diverged.Any(d => d >= 0))
            {
                log($"mlp: {diverged.Count(d => d >= 0)} test traces diverged in closed loop");
            }
            var forced = new double[test.VoltagesMv.Length];
            StateSpaceRollout.TeacherForced(onnx, test.Currents, test.VoltagesMv, test.Recovery!, forced, test.TraceCount, rule, v0);
            var result = new ModelResult(Evaluation.Summarize(test, closed), Evaluation.Summarize(test, forced));
            _closedLoop["mlp"] = closed;

            // The rollout graph must tell the same story as the C#-driven loop.
            using var rollout = new OnnxRolloutModel(rolloutPath);
            var graphVoltages = rollout.Run(test.Currents.Select(c => (float)c).ToArray(), test.TraceCount);
            int sameSpikes = SpikeDetector.TracesWithSameSpikes(test.TraceCount, test.Steps, test.TimeStepMs, closed, graphVoltages);
            log(Invariant($"mlp: rollout graph and C# loop give the same spike times on {sameSpikes} of {test.TraceCount} test traces"));
            _rolloutAgreement = (sameSpikes, test.TraceCount);

            // The graph carries the standardization folded into its weights: one step of the trained module and of the
            // graph on the test traces' true states, as the parity test does on a small model.
            var (testStates, _) = StateSpaceSamples.Build(test, rule, stride: 7);
            int rows = testStates.Length / 3;
            var fromTorch = new float[rows * 2];
            var fromOnnx = new float[rows * 2];
            new Torch.TorchStatePredictor(model).Predict(testStates, fromTorch, rows);
            onnx.Predict(testStates, fromOnnx, rows);
            double largest = fromTorch.Max(Math.Abs);
            _parity = fromTorch.Zip(fromOnnx, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-2 * largest)).Max();
            log(Invariant($"mlp: one step, ONNX Runtime vs TorchSharp on {rows:N0} test states: largest relative difference {_parity:E1}"));

            var card = StateSpaceCard(model, rule, simulation, test.TimeStepMs, settings, history, result, states.Length / 3);
            WriteText(Path.Combine(options.ModelsFolder, $"{options.ModelName}.json"), card.ToJson());
            return (result, history);
        }
    }

    private StateSpaceModelCard StateSpaceCard(Torch.StateSpaceMlp model, SpikeResetRule rule, IzhikevichSimulationOptions simulation, double dt,
        Torch.MlpSettings settings, IReadOnlyList<Torch.EpochReport> history, ModelResult result, int rows)
    {
        var s = model.Scaling;
        return new StateSpaceModelCard
        {
            Model = options.ModelName,
            OnnxFile = $"{options.ModelName}.onnx",
            RolloutOnnxFile = $"{options.ModelName}_rollout.onnx",
            Description = "State-space surrogate of an Izhikevich neuron: an MLP maps the standardized state (v, u, I, v²) of a step to the increments (Δv, Δu) to the next step; spikes come from the peak → reset rule.",
            Opset = Torch.StateSpaceOnnxExporter.Opset,
            Hidden = settings.Hidden,
            Activation = settings.Activation.ToString(),
            Inputs = [new CardTensor(Torch.StateSpaceOnnxExporter.StateInput, [-1, 3], "float32", "per row: v (mV), u, I of a step, raw units")],
            Outputs = [new CardTensor(Torch.StateSpaceOnnxExporter.IncrementOutput, [-1, 2], "float32", "per row: Δv (mV), Δu to the next step, raw units (valid for v below the peak; the rule handles the rest)")],
            RolloutInputs = [new CardTensor(Torch.StateSpaceOnnxExporter.CurrentsInput, [-1, -1], "float32", "currents [N traces, T steps] at the card's dt")],
            RolloutOutputs = [new CardTensor(Torch.StateSpaceOnnxExporter.VoltagesOutput, [-1, -1], "float32", "recorded voltages [N, T] in mV, closed loop from the initial state, spikes as the 30 mV peak")],
            State = new CardState
            {
                Input = "v, u, I",
                Features = ["v", "u", "I", "v^2"],
                FeatureOffset = s.InputOffset,
                FeatureScale = s.InputScale,
                IncrementMean = s.TargetMean,
                IncrementScale = s.TargetScale,
                TimeStepMs = dt,
                InitialVoltageMv = simulation.InitialVoltageMv,
                InitialRecovery = simulation.InitialRecovery,
                Meaning = "features (v, u, I, v²) are standardized as (x − offset) × scale; the network's outputs y become increments y × increment_scale + increment_mean. Both maps are inside the graph, folded into the weights and biases of its first and last layer. A closed loop starts at (initial_voltage_mv, initial_recovery).",
            },
            Rule = CardRule.From(rule),
            Neuron = CardNeuron.From(simulation),
            HowToCall = "Closed loop over currents I(0..T−1): (v, u) = (v0, u0); at each step t, if v ≥ peak: record peak, v ← reset, u ← u + recovery_increment; else record v, (Δv, Δu) = graph(v, u, I(t)), v += Δv, u += Δu. The rollout graph does exactly this for [N, T] currents in one call; `neuron-surrogate predict --model models/surrogate.onnx` does it batched over traces.",
            Training = new Dictionary<string, object>
            {
                ["dataset"] = options.DatasetPath,
                ["seed"] = options.Seed,
                ["settings"] = settings.ToString(),
                ["rows"] = rows,
                ["rows_excluded"] = "spike steps (the rule decides them) and steps whose next value is the recorded peak (censored by the recording)",
                ["normalization"] = "ML.NET NormalizeMeanVariance(fixZero: false), fitted on the training runs only",
                ["selection"] = "closed-loop Γ, then subthreshold RMSE, on the validation runs after every epoch",
                ["epochs"] = history.Select(h => new Dictionary<string, object>
                {
                    ["epoch"] = h.Epoch,
                    ["train_loss"] = h.TrainLoss,
                    ["validation_gamma"] = h.ValidationGamma,
                    ["validation_rmse_subthreshold_mv"] = h.ValidationRmseSubthresholdMv,
                    ["learning_rate"] = h.LearningRate,
                    ["best"] = h.Best,
                }).ToArray(),
            },
            Metrics = new Dictionary<string, MetricSummary> { ["test_closed_loop"] = result.ClosedLoop, ["test_teacher_forced"] = result.TeacherForced },
        };
    }

    private void WriteMetrics(string dataset, RunSplit split, Dictionary<string, ModelResult> results)
    {
        var document = new Dictionary<string, object>
        {
            ["dataset"] = new Dictionary<string, object> { ["path"] = dataset, ["runs"] = split.Train.Count + split.Validation.Count + split.Test.Count, ["seed"] = new DatasetOptions().Seed },
            ["split"] = new Dictionary<string, object> { ["seed"] = split.Seed, ["train"] = split.Train, ["validation"] = split.Validation, ["test"] = split.Test },
            ["models"] = results,
            ["generalization"] = _generalization,
        };
        WriteText(Path.Combine(options.ResultsFolder, "metrics.json"), JsonSerializer.Serialize(document, VoltageLagModelCard.JsonOptions));
    }

    /// <summary>The latent surrogate on the same split: trained on currents and voltages only, exported as models/latent.*.</summary>
    private LatentEvaluation Latent(MLContext ml, IzhikevichSimulationOptions simulation, TraceSet train, TraceSet validation, TraceSet test, string dataset)
    {
        const string name = "latent";
        // Windows up to 20 ms: an RS window rarely runs past its first spike (the mask stops there), so longer ones cost without teaching.
        var settings = new Torch.LatentSettings { Seed = options.Seed, Iterations = options.LatentIterations, MaxWindowSteps = 200 };
        var spec = LatentStage.FitSpec(ml, train, new IzhikevichNeuron(simulation).CurrentUnit, settings);
        var trained = LatentStage.Train(name, spec, settings, train, validation, log);
        using var network = trained.Network;
        var export = LatentStage.Export(network, options.ModelsFolder, name);
        var evaluation = LatentStage.Evaluate(name, network, export, test, log);
        var neuron = new IzhikevichNeuron(simulation);
        var card = LatentStage.Card(name, network, settings, trained, evaluation, new CardSource
        {
            Dataset = dataset,
            Neuron = neuron.Name,
            Description = neuron.Description,
            Stimulus = "i.i.d. Gaussian current per step, mean 10, s.d. 5 (the prototype's dataset)",
        });
        WriteText(export.CardPath, card.ToJson());
        _latentHistory = trained.History;
        _latentCard = card;
        return evaluation;
    }

    private IReadOnlyList<Torch.LatentTrainingReport> _latentHistory = [];
    private LatentModelCard? _latentCard;

    private void WriteReport(string dataset, RunSplit split, Dictionary<string, ModelResult> results, FeatureSpec spec, VoltageLagModelCard? fastTree, LatentEvaluation? latent, double seconds)
    {
        var text = new StringBuilder();
        string regime = options.Regime == TrainRegime.Default
            ? "300 runs × 5 RS neurons × 1000 steps of 0.1 ms, i.i.d. Gaussian current mean 10, s.d. 5, seed 42: the prototype's dataset"
            : "300 runs × 5 RS neurons × 1000 steps of 0.1 ms, mixed stimuli (Ornstein–Uhlenbeck, steps, ramps, Gaussian, pulses; currents 0–25), seed 42";
        string command = options.Regime == TrainRegime.Default ? "dotnet run --project src/Train -c Release" : "dotnet run --project src/Train -c Release -- --regime mixed";
        text.AppendLine(options.Regime == TrainRegime.Default ? "# NeuronSurrogate — report" : "# NeuronSurrogate — report, general model (mixed stimuli)");
        text.AppendLine();
        text.AppendLine(Invariant($"Produced by `{command}` on {DateTime.UtcNow:yyyy-MM-dd} in {seconds:F0} s on {Environment.ProcessorCount} cores. Dataset `{dataset}` ({regime})."));
        text.AppendLine(Invariant($"Split by run (ML.NET `TrainTestSplit` on the run column, seed {split.Seed}): {split.Train.Count} train, {split.Validation.Count} validation, {split.Test.Count} test runs (`split.json`). Every number in the tables below is on the **test runs**, which were used for nothing else; settings and epochs were chosen on the validation runs."));
        text.AppendLine();
        text.AppendLine("**Closed loop** is the headline: a model is given only the currents and feeds its own predictions back, as it would when it replaces the simulator. **Teacher-forced** numbers (fed the true past state, one step ahead) are a diagnostic; they are easy and misleading.");
        text.AppendLine();
        if (_plots.Count > 0)
        {
            text.AppendLine($"![A held-out test trace: simulator and closed-loop surrogates]({_plots[0]})");
            text.AppendLine();
        }
        ReportTables.Models(text, results.OrderBy(r => Order(r.Key)).Select(r => (r.Key, r.Value)));
        text.AppendLine("Γ is the coincidence factor (Kistler et al. 1997, Δ = 2 ms; 1 is perfect timing, 0 is chance); precision, recall and F1 match spikes one to one within ±2 ms; spikes are upward 0 mV crossings of each trace; subthreshold RMSE leaves out samples within 2 ms of a true spike; the rate error is pooled over traces.");
        text.AppendLine("Baselines: `constant_rest` is a flat −65 mV; `train_mean` the training runs' mean voltage; `input_blind` one noise-free simulation at the training runs' mean current, copied to every trace (it scores well only because every default trace fires at nearly the same times — a model that does not clearly beat it has not learned the input). Their two modes coincide: they never see their own output.");
        text.AppendLine();
        if (results.TryGetValue("mlp", out var mlp))
        {
            text.AppendLine("## The MLP surrogate (state space)");
            text.AppendLine();
            text.AppendLine(Invariant($"An MLP ({string.Join(" × ", options.Hidden)}, SiLU) maps the standardized state (v, u, I, v²) of a step to the increments (Δv, Δu) to the next; spikes come from the peak → reset rule (record 30 mV, v ← c, u ← u + d), which is part of the model, its card and its rollout graph. It trains on the recorded recovery variable u (the dataset's `recovery` column) with Adam, a cosine learning-rate schedule and early stopping; the epoch kept is the one with the best closed-loop Γ (then subthreshold RMSE) on the validation runs."));
            text.AppendLine();
            text.AppendLine("| epoch | training loss (one step, standardized) | validation Γ (closed loop) | validation subthreshold RMSE (mV) | learning rate | seconds | kept |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|:---:|");
            var bestEpoch = _history.Where(h => h.Best).Select(h => h.Epoch).DefaultIfEmpty(0).Max();
            foreach (var h in _history)
            {
                text.AppendLine(Invariant($"| {h.Epoch} | {h.TrainLoss:E2} | {h.ValidationGamma:F4} | {h.ValidationRmseSubthresholdMv:F3} | {h.LearningRate:E2} | {h.Seconds:F1} | {(h.Epoch == bestEpoch ? "✓" : "")} |"));
            }
            text.AppendLine();
            text.AppendLine(Invariant($"Exported from the trained weights as `models/{options.ModelName}.onnx` (one step: state [N, 3] → increment [N, 2]) and `models/{options.ModelName}_rollout.onnx` (the whole closed loop as one `Scan`: currents [N, T] → voltages [N, T]), card `models/{options.ModelName}.json`. The test numbers were computed by running the exported one-step graph with ONNX Runtime; the rollout graph gives the same spike times as that C#-driven loop on {_rolloutAgreement.Same} of {_rolloutAgreement.Traces} test traces. The graphs carry the standardization folded into the first and last layer; one step of the graph and of the trained TorchSharp module differ by at most {_parity:E1} (relative, on the test traces' states)."));
            text.AppendLine();
            text.AppendLine(Invariant($"Why it works so well here: with v² given as a feature, one forward-Euler step of the Izhikevich model is *linear* in (v, u, I, v²), so a small MLP can represent the simulator's own update almost exactly; the hidden variable u, which voltage-lag models must infer from the voltage history, is part of the state. Closed loop on the test runs: Γ = {mlp.ClosedLoop.Gamma:F3}, F1 = {mlp.ClosedLoop.SpikeF1:F3} (precision {mlp.ClosedLoop.SpikePrecision:F3}, recall {mlp.ClosedLoop.SpikeRecall:F3}), subthreshold RMSE {mlp.ClosedLoop.RmseSubthresholdMv:F2} mV. The full-trace RMSE ({mlp.ClosedLoop.RmseMv:F2} mV) is dominated by spikes drawn a step early or late, which the 2 ms timing window forgives."));
            text.AppendLine();
        }
        if (latent is not null && _latentCard is { } latentCard && results.TryGetValue("latent", out var lr))
        {
            var ls = latentCard.Latent;
            text.AppendLine("## The latent surrogate (current and voltage only)");
            text.AppendLine();
            text.AppendLine(Invariant($"Given no recovery variable and no v², only the current and its own voltage: {ls.VoltageMemory} leaky traces of its voltage and {ls.SpikeMemory} leaky counts of its spikes (time constants learned, now {string.Join(", ", ls.VoltageTimeConstantsMs.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)))} ms for the voltage) feed an MLP ({string.Join(" × ", latentCard.Hidden)}, SiLU) that predicts the next voltage; the 30 → {latentCard.Rule?.ResetMv} mV reset is the rule the training traces show, estimated from them. Trained by masked multiple shooting ({_latentHistory.Count} validations, the best kept; `models/latent.json` has the settings and history); {latentCard.FlopPerStep:N0} FLOP per step."));
            text.AppendLine();
            text.AppendLine(Invariant($"Closed loop on the test runs: Γ = {lr.ClosedLoop.Gamma:F3}, F1 = {lr.ClosedLoop.SpikeF1:F3}, subthreshold RMSE {lr.ClosedLoop.RmseSubthresholdMv:F2} mV. Exported as `models/latent.onnx` and `models/latent_rollout.onnx`; the test numbers ran the one-step graph with ONNX Runtime; the rollout graph gives the same spike times on {latent.RolloutSame} of {latent.RolloutTraces} test traces; graph and TorchSharp module differ by at most {latent.Parity:E1} on test states."));
            if (results.TryGetValue("input_blind", out var blindResult))
            {
                double margin = lr.ClosedLoop.Gamma - blindResult.ClosedLoop.Gamma;
                text.AppendLine();
                text.AppendLine(Invariant($"Against the input-blind baseline (Γ {blindResult.ClosedLoop.Gamma:F3}) its closed-loop Γ is {(margin > 0 ? "higher" : "not higher")} by {Math.Abs(margin):F3}; against the state-space MLP, which is handed u and v², it is {(results.TryGetValue("mlp", out var m) ? Invariant($"{m.ClosedLoop.Gamma - lr.ClosedLoop.Gamma:F3} lower") : "not compared (no MLP)")}."));
            }
            text.AppendLine();
        }
        if (fastTree is not null && results.TryGetValue("fasttree", out var ft))
        {
            text.AppendLine("## FastTree baseline (voltage lags)");
            text.AppendLine();
            text.AppendLine(Invariant($"Features ({spec.Count}): {string.Join(", ", spec.Names)}; target: the increment V(t) − V(t−1); steps after a recorded peak are left to the peak → reset rule. Settings chosen on the validation runs by closed-loop Γ:"));
            text.AppendLine();
            text.AppendLine("| settings | validation Γ (closed loop) | validation subthreshold RMSE (mV) |");
            text.AppendLine("|---|---:|---:|");
            foreach (var candidate in (IEnumerable<Dictionary<string, object>>)fastTree.Training["validation_closed_loop"])
            {
                text.AppendLine(Invariant($"| {candidate["settings"]} | {(double)candidate["gamma"]:F3} | {(double)candidate["rmse_subthreshold_mv"]:F2} |"));
            }
            text.AppendLine();
            text.AppendLine(Invariant($"Exported with ML.NET's ONNX converter as `models/fasttree.onnx` (card: `models/fasttree.json`); the test numbers were computed by running that ONNX file with ONNX Runtime. One step ahead it is nearly perfect (teacher-forced Γ {ft.TeacherForced.Gamma:F3}); run free it drifts: closed-loop Γ {ft.ClosedLoop.Gamma:F3}, F1 {ft.ClosedLoop.SpikeF1:F3}, RMSE {ft.ClosedLoop.RmseMv:F2} mV. It fires (the leak-free prototype's F1 was 0.00) but its timing is worse than the input-blind baseline and its RMSE worse than the prototype's 9.6 mV: trees predict piecewise-constant increments and cannot extrapolate, so small one-step errors compound, and the recovery variable u is visible to a voltage-lag model only through the voltage history."));
            text.AppendLine();
        }
        if (_generalization.Count > 0)
        {
            text.AppendLine("## Generalization (closed loop, shipped ONNX models)");
            text.AppendLine();
            text.AppendLine(Invariant($"Each shipped RS model (state-space: `surrogate`, `surrogate_mixed`; latent, current and voltage only: `latent`, `rs_latent`) on three suites: the default dataset's test runs; a held-out mixed-stimulus set (40 runs × 5 traces × 100 ms, seed {GeneralizationSuites.MixedHeldOutSeed}, used for nothing else); and the RS f–I curve (constant current 0, 1, …, 25 for 1 s each; a level passes when the spike count is within one spike or 5 %)."));
            text.AppendLine();
            text.AppendLine("| model | default test Γ | default test F1 | default test subthr. RMSE (mV) | mixed held-out Γ | mixed held-out F1 | mixed held-out subthr. RMSE (mV) | f–I levels passing | f–I max error (spikes) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, g) in _generalization)
            {
                text.AppendLine(Invariant($"| {name} | {g.DefaultTest.Gamma:F3} | {g.DefaultTest.SpikeF1:F3} | {g.DefaultTest.RmseSubthresholdMv:F2} | {g.MixedHeldOut.Gamma:F3} | {g.MixedHeldOut.SpikeF1:F3} | {g.MixedHeldOut.RmseSubthresholdMv:F2} | {g.FiCurve.Count(p => p.WithinTolerance)}/{g.FiCurve.Count} | {g.FiCurve.Max(p => p.Error)} |"));
            }
            text.AppendLine();
            text.AppendLine("f–I curve, spikes in 1 s:");
            text.AppendLine();
            text.AppendLine("| current | simulator | " + string.Join(" | ", _generalization.Keys) + " |");
            text.AppendLine("|---:|---:|" + string.Concat(_generalization.Keys.Select(_ => "---:|")));
            var first = _generalization.Values.First().FiCurve;
            for (int level = 0; level < first.Count; level++)
            {
                text.AppendLine(Invariant($"| {first[level].Current} | {first[level].TrueSpikes} | ") + string.Join(" | ", _generalization.Values.Select(g => g.FiCurve[level].ModelSpikes.ToString(CultureInfo.InvariantCulture))) + " |");
            }
            text.AppendLine();
        }
        ReportTables.PlotsAndTimings(text, _plots, _timings);
        WriteText(Path.Combine(options.ResultsFolder, "report.md"), text.ToString());

        static int Order(string name) => name switch { "mlp" => 0, "latent" => 1, "fasttree" => 2, "input_blind" => 3, "train_mean" => 4, _ => 5 };
    }

    /// <summary>The report's PNGs; a plotting failure (e.g. no fonts) is logged, never fatal.</summary>
    private void Plot(TraceSet test, Dictionary<string, double[]> closedLoop)
    {
        try
        {
            string folder = Path.Combine(options.ResultsFolder, "plots");
            var random = new Stimuli.TraceRandom(options.Seed, 7, 7);
            var picks = Enumerable.Range(0, test.TraceCount).OrderBy(_ => random.NextUInt64()).Take(Math.Min(options.PlotTraces, test.TraceCount)).ToArray();
            for (int k = 0; k < picks.Length; k++)
            {
                string name = Invariant($"plots/test_trace_{k + 1}.png");
                ReportPlots.Trace(Path.Combine(options.ResultsFolder, name), test, picks[k], closedLoop);
                _plots.Add(name);
            }
            if (_history.Count > 0)
            {
                ReportPlots.Training(Path.Combine(folder, "training.png"), _history);
                _plots.Add("plots/training.png");
            }
            if (closedLoop.TryGetValue("mlp", out var mlp))
            {
                ReportPlots.Raster(Path.Combine(folder, "raster.png"), test, mlp, "mlp");
                _plots.Add("plots/raster.png");
            }
            if (_generalization.Count > 0)
            {
                ReportPlots.FiCurve(Path.Combine(folder, "fi_curve.png"), _generalization.ToDictionary(g => g.Key, g => g.Value.FiCurve));
                _plots.Add("plots/fi_curve.png");
            }
        }
#pragma warning disable CA1031 // Plots are a convenience of the report; their failure must not lose the metrics.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log($"warning: plots not written ({e.GetType().Name}: {e.Message}); on Debian, `apt-get install fonts-dejavu-core` gives ScottPlot its fonts");
        }
    }

    private T Timed<T>(string stage, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        var result = work();
        lock (_timings)
        {
            // The latent stage runs beside FastTree.
            _timings[stage] = clock.Elapsed.TotalSeconds;
        }
        log(Invariant($"{stage}: {clock.Elapsed.TotalSeconds:F1} s"));
        return result;
    }

    private void Timed(string stage, Action work) => Timed(stage, () => { work(); return 0; });

    private static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));
    }
}
