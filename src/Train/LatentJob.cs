using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>
/// Trains a latent surrogate on any traces CSV (<c>--data</c>) or on a built-in neuron's dataset (<c>--neuron</c>):
/// load and split by run → fit the spec → train every seed → export → score the exported graphs on the test runs →
/// card, baselines, f–I curve, plots, metrics.json and report.md in the results folder.
/// </summary>
internal sealed class LatentJob(TrainOptions options, Action<string> log)
{
    public int Run()
    {
        var total = Stopwatch.StartNew();
        var clock = new StageClock(log, $"{options.ModelName}: ");
        var neuron = CreateNeuron();
        string dataset = clock.Time("dataset", () => EnsureDataset(neuron));
        var ml = new MLContext(options.Seed);
        var data = clock.Time("load and split", () => SplitTraces.Load(ml, dataset, options.Seed, withRecovery: false));
        log(Invariant($"{options.ModelName}: split by run: {data.Split.Train.Count}/{data.Split.Validation.Count}/{data.Split.Test.Count} runs ({data.Train.TraceCount}/{data.Validation.TraceCount}/{data.Test.TraceCount} traces of {data.Train.Steps} steps)"));
        SplitTraces? library = null;
        if (options.Combined)
        {
            string libraryPath = EnsureLibrary(neuron);
            library = clock.Time("load and split the library", () => SplitTraces.Load(ml, libraryPath, options.Seed, withRecovery: false));
            log(Invariant($"{options.ModelName}: the library `{libraryPath}` split by run: {library.Split.Train.Count}/{library.Split.Validation.Count}/{library.Split.Test.Count} runs of {library.Train.Steps} steps"));
        }
        Directory.CreateDirectory(options.ResultsFolder);
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "split.json"), data.Split.ToJson());
        if (library is not null)
        {
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "library_split.json"), library.Split.ToJson());
        }

        // A combined job's spec is fitted on the library's training runs: they span the wider range of currents.
        var spec = LatentStage.FitSpec(ml, (library ?? data).Train, neuron?.CurrentUnit ?? options.CurrentUnit, options.LatentSeed(options.Seed));
        var seeds = clock.Time("training", () => TrainSeeds(spec, data, library));
        try
        {
            var outcome = clock.Time("export and evaluation", () => ExportAndEvaluate(seeds, data, library, neuron, dataset));
            var baselines = Baselines(neuron, data, spec);
            var extras = clock.Time("f–I, held-out and out-of-distribution suites", () => Suites(neuron, data));
            var plots = Plots(data.Test, outcome, extras);
            var result = new LatentJobResult(options, dataset, data.Split, data.Test, spec, outcome, baselines, extras, plots, clock.Timings, total.Elapsed.TotalSeconds)
            {
                Library = library is null ? null : (options.Neuron!.LibraryDatasetPath, library.Split, library.Test),
            };
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "metrics.json"), JsonSerializer.Serialize(result.Metrics(), VoltageLagModelCard.JsonOptions));
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "report.md"), LatentReport.Render(result));
            log(Invariant($"{options.ModelName}: test closed loop Γ {outcome.Shipped.Evaluation.Result.ClosedLoop.Gamma:F3}, F1 {outcome.Shipped.Evaluation.Result.ClosedLoop.SpikeF1:F3}, subthreshold RMSE {outcome.Shipped.Evaluation.Result.ClosedLoop.RmseSubthresholdMv:F2} mV; done in {total.Elapsed.TotalSeconds:F0} s"));
            return 0;
        }
        finally
        {
            foreach (var seed in seeds)
            {
                seed.Trained.Network.Dispose();
            }
        }
    }

    private INeuronModel? CreateNeuron()
    {
        if (options.Neuron is null)
        {
            return null;
        }
        try
        {
            return options.Neuron.CreateModel();
        }
        catch (SimulatorException e) when (File.Exists(options.DatasetPath))
        {
            // The dataset is already there: train on it, and leave out what needs the simulator.
            log($"{options.ModelName}: {ExceptionMessages.OneLine(e)}; the f–I curve and the input-blind baseline are skipped");
            return null;
        }
    }

    private string EnsureDataset(INeuronModel? neuron)
    {
        string path = options.DatasetPath;
        if (File.Exists(path))
        {
            return path;
        }
        if (options.Neuron is null || neuron is null)
        {
            throw InputException.About(path, "an existing traces CSV");
        }
        if (options.Library)
        {
            return EnsureLibrary(neuron);
        }
        log($"{path} is missing: generating the {options.Neuron.Key} dataset (mixed stimuli, 300 runs × 5 traces × 100 ms, seed 42)");
        TrainFiles.WriteDataset(path, BuiltInNeuron.Dataset(neuron));
        return path;
    }

    /// <summary>The built-in neuron's stimulus-library dataset, generated when missing.</summary>
    private string EnsureLibrary(INeuronModel? neuron)
    {
        string path = options.Neuron!.LibraryDatasetPath;
        if (File.Exists(path))
        {
            return path;
        }
        if (neuron is null)
        {
            throw InputException.About(path, "an existing traces CSV");
        }
        var landmarks = Landmarks(neuron);
        log($"{path} is missing: generating the {options.Neuron.Key} dataset (the stimulus library, 300 runs × 1 trace × 1 s, seed 42)");
        TrainFiles.WriteDataset(path, BuiltInNeuron.LibraryDataset(neuron, landmarks));
        return path;
    }

    private NeuronLandmarks? _landmarks;

    private static string MixedDescription(INeuronModel? neuron) =>
        Invariant($"mixed: each trace draws Ornstein–Uhlenbeck, step, ramp, Gaussian or pulses over 0–{neuron?.MixedMaxCurrent} {neuron?.CurrentUnit}");

    private static string LibraryDescription(NeuronLandmarks l, string unit) => Invariant(
        $"the stimulus library, 1 s traces: each trace draws a step train (1–4 steps of 20–300 ms from a baseline that may hyperpolarize), Ornstein–Uhlenbeck noise (τ 0.5–40 or 160–250 ms), a sine (0.5–2 or 25–50 Hz), a downward chirp (50 → 0.5 Hz), a ramp (up from ≥ 0 or down into hyperpolarization), a pulse train, a noisy step train, or one of the mixed generator's families over 0–{l.SearchedUpTo / 20:G3} {unit}; currents {l.Bottom:G3} to {l.Top:G3} {unit}, from the neuron's landmarks (500 ms steps: rheobase {l.Rheobase:G3}, tonic onset {l.TonicOnset:G3}, block {l.Block:G3})");

    /// <summary>The neuron's landmarks, measured once a job (they scale the library's currents and are written in the card).</summary>
    private NeuronLandmarks Landmarks(INeuronModel neuron)
    {
        if (_landmarks is null)
        {
            _landmarks = NeuronLandmarks.Measure(neuron, neuron.MixedMaxCurrent);
            log(Invariant($"{options.ModelName}: landmarks (500 ms steps): rheobase {_landmarks.Rheobase:G3}, tonic onset {_landmarks.TonicOnset:G3}, block {_landmarks.Block:G3} {neuron.CurrentUnit}; library currents {_landmarks.Bottom:G3} to {_landmarks.Top:G3}"));
        }
        return _landmarks;
    }

    /// <summary>
    /// Every seed's network, one after the other. Not side by side: TorchSharp leaves the numbers it turns into Scalars
    /// (every add and sub has one) to the garbage collector, and a collection caused by a second training thread can
    /// free one while libtorch reads it — seen as crashes in two-thread runs. One training thread at a time is safe, and
    /// each seed's result is the same as if it were trained alone.
    /// </summary>
    private List<SeedRun> TrainSeeds(LatentSpec spec, SplitTraces data, SplitTraces? library)
    {
        TraceSet[] train = library is null ? [data.Train] : [data.Train, library.Train];
        TraceSet[] validation = library is null ? [data.Validation] : [data.Validation, library.Validation];
        var runs = new List<SeedRun>();
        try
        {
            for (int i = 0; i < options.Seeds; i++)
            {
                var settings = options.LatentSeed(options.Seed + i);
                string name = options.Seeds == 1 ? options.ModelName : Invariant($"{options.ModelName} seed {settings.Seed}");
                log(Invariant($"{name}: {train.Sum(t => t.TraceCount)} training traces, inputs {string.Join(", ", spec.Inputs.Select(x => x.Column))}, state {spec.StateSize}, rule {(spec.Rule is null ? "none in the data" : $"{spec.Rule.PeakMv} → {spec.Rule.ResetMv} mV")}; {settings}"));
                var clock = Stopwatch.StartNew();
                var network = LatentTrainer.Create(spec, settings);
                try
                {
                    var history = LatentTrainer.Fit(network, train, validation, r => log(Invariant(
                        $"{name} iteration {r.Iteration}: loss {r.TrainLoss:E2}, windows ≤ {r.LongestWindowSteps} steps, validation Γ {r.ValidationGamma:F4}, F1 {r.ValidationF1:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F2} mV, {r.Seconds:F0} s{(r.Best ? " (best)" : "")}")));
                    runs.Add(new SeedRun(settings, new LatentTrained(network, history, clock.Elapsed.TotalSeconds)));
                }
                catch
                {
                    network.Dispose();
                    throw;
                }
            }
            return runs;
        }
        catch
        {
            runs.ForEach(r => r.Trained.Network.Dispose());
            throw;
        }
    }

    private LatentOutcome ExportAndEvaluate(List<SeedRun> seeds, SplitTraces data, SplitTraces? library, INeuronModel? neuron, string dataset)
    {
        // The seed to ship is chosen on the validation runs, like every other setting.
        var chosen = seeds.OrderByDescending(s => Math.Round(s.Best.ValidationGamma, 4)).ThenBy(s => s.Best.ValidationRmseSubthresholdMv).First();
        var evaluations = new List<SeedEvaluation>();
        string scratch = Path.Combine(Path.GetTempPath(), $"neuron-surrogate-seeds-{Environment.ProcessId}");
        try
        {
            foreach (var seed in seeds)
            {
                bool ship = ReferenceEquals(seed, chosen);
                string name = ship ? options.ModelName : Invariant($"{options.ModelName}_seed{seed.Settings.Seed}");
                var export = LatentStage.Export(seed.Trained.Network, ship ? options.ModelsFolder : scratch, name);
                var evaluation = LatentStage.Evaluate(name, seed.Trained.Network, export, data.Test, log);
                MetricSummary? libraryTest = null;
                if (library is not null)
                {
                    using var surrogate = new LatentSurrogate(export.OnnxPath, seed.Trained.Network.Spec);
                    libraryTest = SurrogateScoring.Test(name + " (library test runs)", surrogate, library.Test, log).Result.ClosedLoop;
                    log(Invariant($"{name}: the library's test runs ({library.Test.TraceCount} × {library.Test.Steps * library.Test.TimeStepMs:G4} ms) closed loop Γ {libraryTest.Gamma:F3}, subthreshold RMSE {libraryTest.RmseSubthresholdMv:F2} mV"));
                }
                evaluations.Add(new SeedEvaluation(seed, export, evaluation, ship, libraryTest));
            }
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        var shipped = evaluations.Single(e => e.Shipped);
        var source = new CardSource
        {
            Dataset = dataset,
            Neuron = neuron?.Name,
            Description = neuron?.Description ?? "traces from elsewhere (the neuron is not known to the project)",
            Stimulus = options.Neuron is null ? "as in the dataset"
                : options.Library && neuron is not null ? LibraryDescription(Landmarks(neuron), neuron.CurrentUnit)
                : options.Combined && neuron is not null ? Invariant($"two datasets together: {MixedDescription(neuron)} (300 runs × 5 traces × 100 ms); and {LibraryDescription(Landmarks(neuron), neuron.CurrentUnit)} (300 runs × 1 trace; `{options.Neuron.LibraryDatasetPath}`)")
                : MixedDescription(neuron),
        };
        var card = LatentCards.Create(options.ModelName, shipped.Seed.Trained.Network, shipped.Seed.Settings, shipped.Seed.Trained.History, source, shipped.Evaluation.Result.CardMetrics());
        var spread = evaluations.Select(e => new Dictionary<string, object>
        {
            ["seed"] = e.Seed.Settings.Seed,
            ["validation_gamma"] = e.Seed.Best.ValidationGamma,
            ["test_gamma"] = e.Evaluation.Result.ClosedLoop.Gamma,
            ["test_spike_f1"] = e.Evaluation.Result.ClosedLoop.SpikeF1,
            ["test_rmse_subthreshold_mv"] = e.Evaluation.Result.ClosedLoop.RmseSubthresholdMv,
            ["shipped"] = e.Shipped,
        }).Select((d, i) =>
        {
            if (evaluations[i].LibraryTest is { } l)
            {
                d["library_test_gamma"] = l.Gamma;
            }
            return d;
        }).ToArray();
        card = card with
        {
            Training = new Dictionary<string, object>(card.Training) { ["seeds"] = spread },
            Envelope = CardEnvelope.From(library is null ? [data.Train] : [data.Train, library.Train], card.Latent.Inputs),
        };
        TrainFiles.WriteText(shipped.Export.CardPath, card.ToJson());
        return new LatentOutcome(shipped, evaluations, card);
    }

    private static Dictionary<string, ModelResult> Baselines(INeuronModel? neuron, SplitTraces data, LatentSpec spec)
    {
        var test = data.Test;
        var results = new Dictionary<string, ModelResult>();
        var predictions = new double[test.VoltagesMv.Length];
        ModelResult Score()
        {
            var summary = Evaluation.Summarize(test, predictions);
            return new ModelResult(summary, summary);
        }
        predictions.AsSpan().Fill(spec.InitialVoltageMv);
        results["constant_rest"] = Score();
        TrivialBaselines.TrainMean(data.Train.VoltagesMv.Average(), predictions);
        results["train_mean"] = Score();
        if (neuron is not null)
        {
            // One noise-free simulation at the training runs' mean current(s), copied to every trace.
            var batch = new TraceBatch(0, 1, 1, test.Steps, test.TimeStepMs, includeRecovery: false, spec.Inputs.Select(i => i.Column).ToArray(), neuron.Spikes);
            for (int c = 0; c < spec.InputCount; c++)
            {
                batch.Inputs[c].AsSpan().Fill(data.Train.Input(spec.Inputs[c].Column).Average());
            }
            neuron.Simulate(batch);
            for (int trace = 0; trace < test.TraceCount; trace++)
            {
                batch.VoltagesMv.CopyTo(predictions.AsSpan(trace * test.Steps, test.Steps));
            }
            results["input_blind"] = Score();
        }
        return results;
    }

    private LatentSuites Suites(INeuronModel? neuron, SplitTraces data)
    {
        if (neuron is null)
        {
            return new LatentSuites(null, null);
        }
        using var surrogate = SurrogateModel.Open(Path.Combine(options.ModelsFolder, $"{options.ModelName}.onnx"));
        // The f–I tolerance of the latent-surrogate issue: within 2 spikes per second at every level.
        var fi = FiCurves.Measure(neuron, surrogate, neuron.MixedMaxCurrent, data.Test.TimeStepMs, toleranceSpikes: 2);
        log(Invariant($"{options.ModelName}: f–I levels within 2 spikes/s: {fi.Count(p => p.WithinTolerance)}/{fi.Count} (max error {fi.Max(p => p.Error)})"));
        MetricSummary? heldOut = null;
        if (neuron is IzhikevichNeuron izhikevich)
        {
            heldOut = GeneralizationSuites.ClosedLoop(surrogate, GeneralizationSuites.MixedHeldOut(izhikevich.Options));
            log(Invariant($"{options.ModelName}: held-out mixed set (seed {GeneralizationSuites.MixedHeldOutSeed}) closed loop Γ {heldOut.Gamma:F3}"));
        }
        // Currents the training generator never drew, 1 s long, beside the simulator at twice its step (issue 22).
        var ood = OodSuite.Run(surrogate, neuron, OodSuite.Coarse(neuron), options.OodTraces);
        log(Invariant($"{options.ModelName}: out-of-distribution suite (1 s, {ood.Families.Count} families) closed loop Γ {ood.Gamma[^1]:F3}{(ood.YardstickGamma is { } y ? Invariant($", the simulator at twice its step {y[^1]:F3}") : "")}"));
        var validation = OodSuite.Run(surrogate, neuron, coarse: null, options.OodTraces, seed: OodSuite.ValidationSeed);
        log(Invariant($"{options.ModelName}: its validation part (seed {OodSuite.ValidationSeed}) closed loop Γ {validation.Gamma[^1]:F3}"));
        return new LatentSuites(fi, heldOut, ood, validation);
    }

    private IReadOnlyList<string> Plots(TraceSet test, LatentOutcome outcome, LatentSuites suites)
    {
        return ReportPlots.Guarded(log, plots =>
        {
            var random = new Stimuli.TraceRandom(options.Seed, 7, 7);
            // Traces that fire, so the plots show spikes (every test trace is scored).
            var firing = Enumerable.Range(0, test.TraceCount).Where(t => SpikeDetector.Detect(test.Trace(test.VoltagesMv, t), test.TimeStepMs).Count > 0).ToArray();
            var pool = firing.Length >= options.PlotTraces ? firing : Enumerable.Range(0, test.TraceCount).ToArray();
            var picks = pool.OrderBy(_ => random.NextUInt64()).Take(Math.Min(options.PlotTraces, pool.Length)).ToArray();
            var closed = new Dictionary<string, double[]> { [options.ModelName] = outcome.Shipped.Evaluation.ClosedLoop };
            for (int k = 0; k < picks.Length; k++)
            {
                string name = Invariant($"plots/test_trace_{k + 1}.png");
                ReportPlots.Trace(Path.Combine(options.ResultsFolder, name), test, picks[k], closed);
                plots.Add(name);
            }
            ReportPlots.Raster(Path.Combine(options.ResultsFolder, "plots/raster.png"), test, outcome.Shipped.Evaluation.ClosedLoop, options.ModelName);
            plots.Add("plots/raster.png");
            ReportPlots.LatentTraining(Path.Combine(options.ResultsFolder, "plots/training.png"), outcome.Evaluations.ToDictionary(e => Invariant($"seed {e.Seed.Settings.Seed}"), e => e.Seed.Trained.History));
            plots.Add("plots/training.png");
            if (suites.FiCurve is not null)
            {
                ReportPlots.FiCurve(Path.Combine(options.ResultsFolder, "plots/fi_curve.png"), new Dictionary<string, IReadOnlyList<FiPoint>> { [options.ModelName] = suites.FiCurve },
                    $"f–I curve ({options.Neuron?.Key}): spikes in 1 s of constant current", $"current ({outcome.Card.Latent.Inputs[0].Unit})");
                plots.Add("plots/fi_curve.png");
            }
        });
    }
}
