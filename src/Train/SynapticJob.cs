using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
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
/// Trains a synaptic latent surrogate (<c>--data TRACES --synaptic</c>): traces of a cell driven by input events, the
/// events beside them (TRACES with <c>.events</c> before the extension, the synapse table beside that). Split by run →
/// fit the voltage standardization → train every seed → export the best on validation → score the exported graph closed
/// loop on the test runs and on held-out sets of other input statistics (<c>--held-out</c>), with the field's metrics
/// (spike AUC from the spike head, TPR at 0.25 % and 1 % FPR, clipped RMSE and variance explained) beside Γ → card,
/// metrics.json, report.md and plots.
/// </summary>
internal sealed class SynapticJob(TrainOptions options, Action<string> log)
{
    public int Run()
    {
        var total = Stopwatch.StartNew();
        var clock = new StageClock(log, $"{options.ModelName}: ");
        var ml = new MLContext(options.Seed);
        string eventsPath = EventFile.PathBeside(options.DatasetPath);
        var data = clock.Time("load and split", () => SplitTraces.Load(ml, options.DatasetPath, options.Seed, withRecovery: false));
        var (train, validation, test, synapses) = clock.Time("events", () => WithEvents(data, eventsPath));
        if (options.MoreTraining.Count > 0)
        {
            // Further training files (their events beside each): more training runs; validation and test stay the main file's.
            train = clock.Time("further training data", () => TraceSet.Concat([train, .. options.MoreTraining.Select(path => LoadWithEvents(ml, path, synapses))]));
        }
        log(Invariant($"{options.ModelName}: split by run: {train.TraceCount}/{validation.TraceCount}/{test.TraceCount} traces of {train.Steps} steps; {synapses} synapses, {train.Events!.Average(e => e.Count):F0} input events per training trace"));
        Directory.CreateDirectory(options.ResultsFolder);
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "split.json"), data.Split.ToJson());

        if (options.Tcn)
        {
            return clock.Time("TCN comparison", () => RunTcn(ml, train, validation, test, synapses));
        }
        if (options.Linear)
        {
            return clock.Time("linear baseline", () => RunLinear(ml, train, validation, test, synapses));
        }
        var fitted = LatentStage.FitSpec(ml, train, "none", options.Latent);
        var spec = (fitted with
        {
            Inputs = [],
            Synapses = synapses,
            InputChannels = options.InputChannels,
            InputTimeConstantsMs = options.InputTimeConstantsMs,
        }).Validate();

        float[]? linearRows = options.ProjectionFromLinear ? clock.Time("linear fit for the projection", () => LinearProjection(train, validation, spec)) : null;
        var seeds = new List<(LatentSettings Settings, LatentNetwork Network, IReadOnlyList<LatentTrainingReport> History, double Seconds)>();
        try
        {
            clock.Time("training", () =>
            {
                for (int i = 0; i < options.Seeds; i++)
                {
                    var settings = options.LatentSeed(options.Seed + i);
                    log(Invariant($"{options.ModelName} seed {settings.Seed}: state {spec.StateSize}, {spec.Synapses} synapses → {spec.InputChannels} channels × {spec.InputTimeConstantsMs.Count} traces; {settings}"));
                    var watch = Stopwatch.StartNew();
                    var network = LatentTrainer.Create(spec, settings);
                    seeds.Add((settings, network, [], 0));
                    if (linearRows is not null)
                    {
                        network.SetInputProjectionRows(linearRows, spec.InputTimeConstantsMs.Count);
                    }
                    var history = LatentTrainer.Fit(network, train, validation, r => log(Invariant(
                        $"{options.ModelName} seed {settings.Seed} iteration {r.Iteration}: loss {r.TrainLoss:E2}, windows ≤ {r.LongestWindowSteps} steps, validation Γ {r.ValidationGamma:F4}, F1 {r.ValidationF1:F4}, spike AUC {r.ValidationSpikeAuc:F4}, subthreshold RMSE {r.ValidationRmseSubthresholdMv:F2} mV, {r.Seconds:F0} s{(r.Best ? " (best)" : "")}")));
                    seeds[^1] = (settings, network, history, watch.Elapsed.TotalSeconds);
                }
            });
            int parameters = (int)seeds[0].Network.parameters().Sum(p => p.numel());
            var best = seeds.OrderByDescending(s => s.History.Where(h => h.Best).Max(h => h.ValidationGamma)).First();
            var export = LatentStage.Export(best.Network, options.ModelsFolder, options.ModelName);

            var sets = new List<(string Name, TraceSet Traces)> { ("test", test) };
            foreach (string path in options.HeldOut)
            {
                sets.Add((Path.GetFileNameWithoutExtension(path), LoadWithEvents(ml, path, synapses)));
            }
            var scores = clock.Time("evaluation", () => Evaluate(export, spec, best.Network, sets));
            var seedSpread = seeds.Select(s => new Dictionary<string, object>
            {
                ["seed"] = s.Settings.Seed,
                ["validation_gamma"] = s.History.Where(h => h.Best).Max(h => h.ValidationGamma),
                ["training_seconds"] = Math.Round(s.Seconds, 1),
                ["shipped"] = ReferenceEquals(s.Network, best.Network),
            }).ToArray();
            var source = new CardSource
            {
                Dataset = options.DatasetPath,
                Neuron = "NEURON cell with synapses",
                Description = Invariant($"{train.TraceCount + validation.TraceCount + test.TraceCount} traces of {train.Steps * train.TimeStepMs / 1000:G4} s, input events from {eventsPath}"),
                Stimulus = "synaptic input events (generate --inputs synaptic: Beniaguev-style rates, piecewise constant and smoothed, inhibition tracking excitation, per-synapse gains, Poisson spikes on the 0.1 ms grid)",
            };
            var metrics = scores.ToDictionary(s => s.Name == "test" ? "test_closed_loop" : $"held_out_{s.Name}_closed_loop", s => s.Summary);
            var card = LatentCards.Create(options.ModelName, best.Network, best.Settings, best.History, source, metrics);
            card = card with
            {
                Training = new Dictionary<string, object>(card.Training)
                {
                    ["seeds"] = seedSpread,
                    ["parameters"] = parameters,
                    ["training_traces"] = train.TraceCount,
                    ["training_seconds_simulated"] = Math.Round(train.TraceCount * train.Steps * train.TimeStepMs / 1000, 1),
                    ["input_projection_init"] = linearRows is null ? "random" : "linear fit on the input time constants",
                },
            };
            TrainFiles.WriteText(export.CardPath, card.ToJson());
            var plots = Plots(test, scores[0], best.History);
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "metrics.json"), JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = options.ModelName,
                ["parameters"] = parameters,
                ["flop_per_step"] = best.Network.FlopPerStep(),
                ["seeds"] = seedSpread,
                ["sets"] = scores.ToDictionary(s => s.Name, s => (object)s.Summary),
                ["onnx_vs_torch_max_difference"] = scores[0].Parity,
                ["rollout_graph_same_spikes"] = scores[0].RolloutSame,
            }, VoltageLagModelCard.JsonOptions));
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "report.md"), Report(spec, train, validation, test, parameters, seeds.Select(s => (s.Settings.Seed, s.History, s.Seconds)).ToArray(),
                best.Settings.Seed, scores, plots, clock.Timings, total.Elapsed.TotalSeconds));
            var t = scores[0].Summary;
            log(Invariant($"{options.ModelName}: test closed loop Γ {t.Gamma:F3}, spike AUC {t.SpikeAuc:F4}, clipped RMSE {t.RmseClippedMv:F2} mV, {parameters} parameters; done in {total.Elapsed.TotalSeconds:F0} s"));
            return 0;
        }
        finally
        {
            foreach (var s in seeds)
            {
                s.Network.Dispose();
            }
        }
    }

    /// <summary>The first projection rows of the latent model: the linear baseline fitted on its own input time constants (<see cref="SynapticLinear.ProjectionRows"/>).</summary>
    private float[] LinearProjection(TraceSet train, TraceSet validation, LatentSpec spec)
    {
        var (model, seconds, path) = SynapticLinear.Fit(train, validation, spec.InputTimeConstantsMs);
        var rows = model.ProjectionRows(spec);
        int kernels = spec.InputTimeConstantsMs.Count;
        var best = path.First(p => p.Penalty == model.Penalty);
        log(Invariant($"{options.ModelName}: projection rows 1–{kernels} from the linear fit on τ {string.Join("/", spec.InputTimeConstantsMs)} ms ({model.Parameters} weights, penalty {model.Penalty:G2}, validation clipped RMSE {best.ValidationRmseMv:F2} mV at 1 ms, {seconds:F0} s); largest |W| {rows.Max(Math.Abs):G3}"));
        return rows;
    }

    /// <summary>
    /// The comparison model (<see cref="SynapticTcn"/>): trained on the same split, scored on the test runs and the held-out
    /// sets with the same metric code; written to tcn.md in the results folder.
    /// </summary>
    private int RunTcn(MLContext ml, TraceSet train, TraceSet validation, TraceSet test, int synapses)
    {
        const int layers = 7, batch = 16, window = 640;
        int channels = options.TcnChannels;
        var (model, seconds, history) = SynapticTcn.Train(train, validation, channels, layers, options.TcnDendrites, options.Latent.Iterations, batch, window, options.Seed, log);
        using (model)
        {
            int parameters = (int)model.parameters().Sum(p => p.numel());
            string input = options.TcnDendrites > 0
                ? Invariant($"every synapse's events filtered by exp(−t/τ) for τ {string.Join(", ", SynapticTcn.DendriteTausMs)} ms, a dendritic 1×1 layer {synapses * SynapticTcn.DendriteTausMs.Count} → {options.TcnDendrites} with SiLU, a 1×1 projection to")
                : Invariant($"1×1 projection {synapses} →");
            var text = ComparisonReport(ml, test, synapses, "A temporal convolutional network", "TCN",
                Invariant($"Training traces: {train.TraceCount} of {train.Steps * train.TimeStepMs / 1000:G3} s."),
                Invariant($"{input} {channels} channels, {layers} causal dilated convolutions (kernel 3, dilations 1…{1 << (layers - 1)}, residual, SiLU; {model.ReceptiveBins} ms of input history), two 1×1 heads (voltage clipped at −55 mV, spike logit) per 1 ms bin; {parameters} parameters, {model.FlopPerBin()} FLOP per ms per trace. {options.Latent.Iterations} iterations × {batch} windows of {window} ms, Adam, cosine schedule; the weights with the best validation spike AUC kept. Training {seconds:F0} s on one thread."),
                traces => model.Score(traces).Summary);
            text.AppendLine();
            text.AppendLine("Validation during training: " + string.Join("; ", history.Select(h => Invariant($"iteration {h.Iteration}: AUC {h.Auc:F4}, RMSE {h.RmseClipped:F2} mV"))) + ".");
            Directory.CreateDirectory(options.ResultsFolder);
            TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "tcn.md"), text.ToString());
        }
        return 0;
    }

    /// <summary>
    /// The comparison's linear baseline (<see cref="SynapticLinear"/>): fitted on the same split, scored on the test runs and
    /// the held-out sets with the same metric code, and each set's clipped voltage split by the time since the last spike
    /// (<see cref="SpikeBands"/>); written to linear.md in the results folder.
    /// </summary>
    private int RunLinear(MLContext ml, TraceSet train, TraceSet validation, TraceSet test, int synapses)
    {
        var (model, seconds, path) = SynapticLinear.Fit(train, validation, options.LinearTausMs ?? SynapticLinear.DefaultTausMs);
        var text = ComparisonReport(ml, test, synapses, "A linear baseline", "linear baseline",
            Invariant($"Training traces: {train.TraceCount} of {train.Steps * train.TimeStepMs / 1000:G3} s; validation {validation.TraceCount}."),
            Invariant($"The voltage clipped at −55 mV at the end of each 1 ms bin, linear in every synapse's events per bin filtered by exp(−t/τ) for τ = {string.Join(", ", model.TausMs)} ms, and an intercept: {model.Parameters} weights, fitted by ridge regression on every training bin in {seconds:F0} s. The penalty (relative to the mean diagonal of XᵀX) chosen on the validation bins: {string.Join("; ", path.Select(x => Invariant($"{x.Penalty:G1}: {x.ValidationRmseMv:F3} mV")))}; kept {model.Penalty:G1}. Its spike score is its predicted voltage."),
            traces => model.Score(traces).Summary);
        Directory.CreateDirectory(options.ResultsFolder);
        TrainFiles.WriteText(Path.Combine(options.ResultsFolder, "linear.md"), text.ToString());
        return 0;
    }

    /// <summary>
    /// A comparison model's report: title, command, its training and model lines, then the field's metrics on the test runs
    /// and every held-out set, the clipped error by the time since the last spike, and what one value per 1 ms bin costs.
    /// </summary>
    private StringBuilder ComparisonReport(MLContext ml, TraceSet test, int synapses, string title, string model, string training, string description,
        Func<TraceSet, MetricSummary> score)
    {
        var sets = ComparisonSets(ml, test, synapses);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# {title} on the same synaptic data (comparison)"));
        text.AppendLine();
        text.AppendLine(Invariant($"Command: `{options.Command}`"));
        text.AppendLine();
        text.AppendLine(training);
        text.AppendLine();
        text.AppendLine(description);
        text.AppendLine();
        text.Append(ComparisonHeader);
        var bands = BandsTable($"the {model}");
        foreach (var (name, traces) in sets)
        {
            var m = score(traces);
            AddComparisonRow(text, model, name, traces, m);
            AddBands(bands, name, m);
        }
        text.AppendLine();
        text.Append(bands);
        text.AppendLine();
        text.Append(BinFloor(sets));
        return text;
    }

    /// <summary>The head of a comparison model's table: the field's metrics per set.</summary>
    private const string ComparisonHeader = """
        | set | traces | spike AUC (1 ms) | TPR @ 0.25 % FPR | TPR @ 1 % FPR | RMSE clipped −55 mV | VE clipped | RMSE / VE clipped at whole ms |
        |---|---:|---:|---:|---:|---:|---:|---:|

        """;

    /// <summary>The test runs and every held-out set (events beside each), as a comparison model is scored on them.</summary>
    private List<(string Name, TraceSet Traces)> ComparisonSets(MLContext ml, TraceSet test, int synapses) =>
        [("test", test), .. options.HeldOut.Select(path => (Path.GetFileNameWithoutExtension(path), LoadWithEvents(ml, path, synapses)))];

    /// <summary>One set's row of a comparison model's table, logged as well.</summary>
    private void AddComparisonRow(StringBuilder text, string model, string name, TraceSet traces, MetricSummary m)
    {
        log(Invariant($"{model} on {name}: spike AUC {m.SpikeAuc:F4}, TPR {m.SpikeTprAtFpr025:F3} / {m.SpikeTprAtFpr1:F3}, clipped RMSE {m.RmseClippedMv:F2} mV, VE {m.VarianceExplainedClipped:F3}"));
        text.AppendLine(Invariant($"| {name} | {traces.TraceCount} | {m.SpikeAuc:F4} | {m.SpikeTprAtFpr025:F3} | {m.SpikeTprAtFpr1:F3} | {m.RmseClippedMv:F2} mV | {m.VarianceExplainedClipped:F3} | {m.RmseClipped1MsMv:F2} mV / {m.VarianceExplainedClipped1Ms:F3} |"));
    }

    /// <summary>
    /// What one value per 1 ms bin costs when scored at every data step: the truth's own end-of-bin voltage held over the
    /// bin's steps (what the comparison models predict), and the best one value per bin can do, the bin's clipped mean;
    /// both scored as predictions. Both are 0 at whole milliseconds.
    /// </summary>
    private static string BinFloor(IReadOnlyList<(string Name, TraceSet Traces)> sets)
    {
        var text = new StringBuilder("One value per 1 ms bin, scored at every 0.1 ms step: the truth's own voltage at the end of each bin, held over the bin's steps (what these models predict), errs by ");
        var floors = sets.Select(set =>
        {
            var (name, traces) = set;
            int bins = traces.Steps / SynapticTcn.BinSteps;
            FieldMetrics end = new(), mean = new();
            var held = new double[traces.Steps];
            var averaged = new double[traces.Steps];
            for (int trace = 0; trace < traces.TraceCount; trace++)
            {
                var truth = traces.Trace(traces.VoltagesMv, trace);
                for (int t = 0; t < held.Length; t++)
                {
                    held[t] = truth[Math.Min(truth.Length - 1, (SynapticTcn.VoltageBinOf(t, bins) + 1) * SynapticTcn.BinSteps)];
                }
                for (int first = 0; first < averaged.Length; first += SynapticTcn.BinSteps)
                {
                    var bin = truth.Slice(first, Math.Min(SynapticTcn.BinSteps, truth.Length - first));
                    double clipped = 0;
                    foreach (double v in bin)
                    {
                        clipped += Math.Min(v, FieldMetrics.ClipMv);
                    }
                    averaged.AsSpan(first, bin.Length).Fill(clipped / bin.Length);
                }
                end.Add(truth, held, traces.TimeStepMs);
                mean.Add(truth, averaged, traces.TimeStepMs);
            }
            var (e, m) = (end.AddTo(new MetricSummary { Traces = traces.TraceCount }), mean.AddTo(new MetricSummary { Traces = traces.TraceCount }));
            return (Name: name, End: e, Mean: m);
        }).ToArray();
        text.AppendJoin("; ", floors.Select(f => Invariant($"{f.End.RmseClippedMv:F2} mV clipped on {f.Name} ({f.End.ClippedBySinceSpike![0].RmseClippedMv:F2} mV in the {f.End.ClippedBySinceSpike![0].Label} band)")));
        text.Append(". The best one value per bin can do, the bin's clipped mean, errs by ");
        text.AppendJoin("; ", floors.Select(f => Invariant($"{f.Mean.RmseClippedMv:F2} mV on {f.Name}")));
        text.AppendLine(". The clipped RMSE at whole milliseconds has neither floor.");
        return text.ToString();
    }

    /// <summary>The head of the table of <see cref="SpikeBands"/>: where the clipped voltage varies, and a model's error there.</summary>
    private static StringBuilder BandsTable(string model)
    {
        var bands = new StringBuilder();
        bands.AppendLine(Invariant($"Where the clipped voltage varies, against the time since the truth's last spike: each band's share of the samples, its share of the squared deviation about the set's clipped mean (what clipped RMSE and VE are measured against), and {model}'s RMSE in it."));
        bands.AppendLine();
        bands.AppendLine("| set | since the last spike | share of time | share of clipped variance | RMSE clipped |");
        bands.AppendLine("|---|---|---:|---:|---:|");
        return bands;
    }

    /// <summary>One set's rows of the <see cref="BandsTable"/>.</summary>
    private static void AddBands(StringBuilder bands, string name, MetricSummary m)
    {
        foreach (var row in m.ClippedBySinceSpike ?? [])
        {
            bands.AppendLine(Invariant($"| {name} | {row.Label} | {100 * row.TimeShare:F1} % | {100 * row.VarianceShare:F1} % | {row.RmseClippedMv:F2} mV |"));
        }
    }

    /// <summary>The split's three sides with their events.</summary>
    private static (TraceSet Train, TraceSet Validation, TraceSet Test, int Synapses) WithEvents(SplitTraces data, string eventsPath)
    {
        if (!File.Exists(eventsPath))
        {
            throw InputException.About(eventsPath, "the input-events file beside the traces (generate --inputs synaptic writes it there)");
        }
        var events = EventFile.Read(eventsPath);
        int synapses = EventFile.SynapseCount(eventsPath, events);
        var byTrace = events.ToDictionary(e => (e.Run, e.Neuron));
        TraceSet Attach(TraceSet set) => set.WithEvents(
            Enumerable.Range(0, set.TraceCount).Select(i => byTrace.GetValueOrDefault((set.Runs[i], set.Neurons[i])) ?? TraceEvents.None(set.Runs[i], set.Neurons[i])).ToArray(),
            synapses);
        return (Attach(data.Train), Attach(data.Validation), Attach(data.Test), synapses);
    }

    /// <summary>A traces file with its events beside it (a held-out set, or further training data).</summary>
    private static TraceSet LoadWithEvents(MLContext ml, string path, int synapses)
    {
        var traces = TraceDataLoader.ToTraceSet(TraceDataLoader.Load(ml, path, false, []), path);
        string eventsPath = EventFile.PathBeside(path);
        var byTrace = EventFile.Read(eventsPath, synapses).ToDictionary(e => (e.Run, e.Neuron));
        return traces.WithEvents(Enumerable.Range(0, traces.TraceCount)
            .Select(i => byTrace.GetValueOrDefault((traces.Runs[i], traces.Neurons[i])) ?? TraceEvents.None(traces.Runs[i], traces.Neurons[i])).ToArray(), synapses);
    }

    internal sealed record SetScore(string Name, TraceSet Traces, MetricSummary Summary, double[] Predictions, double[] Probability, FieldMetrics Field,
        double Parity, string RolloutSame);

    /// <summary>
    /// Every set closed loop through the exported one-step graph (ONNX Runtime), scored by Γ and the field's metrics; on the
    /// test runs also the trained module and the rollout graph against it.
    /// </summary>
    private List<SetScore> Evaluate(LatentExport export, LatentSpec spec, LatentNetwork network, IReadOnlyList<(string Name, TraceSet Traces)> sets)
    {
        using var surrogate = new LatentSurrogate(export.OnnxPath, spec);
        var scores = new List<SetScore>();
        foreach (var (name, traces) in sets)
        {
            var predictions = new double[traces.VoltagesMv.Length];
            var probability = new double[predictions.Length];
            int diverged = surrogate.PredictEvents(traces.Events!, traces.Steps, predictions, probability).Count(d => d >= 0);
            if (diverged > 0)
            {
                log($"{options.ModelName}: {diverged} {name} traces diverged in closed loop");
                for (int i = 0; i < predictions.Length; i++)
                {
                    predictions[i] = double.IsFinite(predictions[i]) ? predictions[i] : spec.InitialVoltageMv;
                }
            }
            var field = new FieldMetrics();
            for (int trace = 0; trace < traces.TraceCount; trace++)
            {
                field.Add(traces.Trace(traces.VoltagesMv, trace), predictions.AsSpan(trace * traces.Steps, traces.Steps), traces.TimeStepMs,
                    probability.AsSpan(trace * traces.Steps, traces.Steps));
            }
            var summary = field.AddTo(Evaluation.Summarize(traces, predictions));
            double parity = double.NaN;
            string rolloutSame = "";
            if (name == "test")
            {
                (parity, rolloutSame) = Checks(export, network, traces, predictions);
            }
            log(Invariant($"{options.ModelName} on {name} ({traces.TraceCount} traces): Γ {summary.Gamma:F3}, F1 {summary.SpikeF1:F3}, rate error {summary.RateError:F3}, spike AUC {summary.SpikeAuc:F4}, TPR {summary.SpikeTprAtFpr025:F3} at 0.25 % FPR, {summary.SpikeTprAtFpr1:F3} at 1 %, clipped RMSE {summary.RmseClippedMv:F2} mV, VE {summary.VarianceExplainedClipped:F3}"));
            scores.Add(new SetScore(name, traces, summary, predictions, probability, field, parity, rolloutSame));
        }
        return scores;
    }

    /// <summary>
    /// The trained module (TorchSharp) against the exported graph on the first test traces, closed loop: the largest voltage
    /// difference over the first 50 ms; and the rollout graph's spike times against the one-step loop's.
    /// </summary>
    private (double Parity, string RolloutSame) Checks(LatentExport export, LatentNetwork network, TraceSet test, double[] graphPredictions)
    {
        var few = test.Select(Enumerable.Range(0, Math.Min(4, test.TraceCount)).ToArray());
        var torch = LatentTrainer.ClosedLoop(network, few);
        int horizon = Math.Min(few.Steps, (int)Math.Round(50 / few.TimeStepMs));
        double parity = 0;
        for (int trace = 0; trace < few.TraceCount; trace++)
        {
            for (int t = 0; t < horizon; t++)
            {
                parity = Math.Max(parity, Math.Abs(torch[trace * few.Steps + t] - graphPredictions[trace * few.Steps + t]));
            }
        }
        log(Invariant($"{options.ModelName}: closed loop, TorchSharp module vs the exported graph on {few.TraceCount} test traces: largest voltage difference over the first 50 ms {parity:E1} mV"));

        var spec = network.Spec;
        int k = spec.StepFactor, blocks = (few.Steps - 1 + k - 1) / k;
        var counts = new float[few.TraceCount * blocks * spec.Synapses];
        for (int trace = 0; trace < few.TraceCount; trace++)
        {
            var (steps, ids) = EventSteps.Of(few.Events![trace], few.TimeStepMs, spec.Synapses);
            for (int i = 0; i < steps.Length && steps[i] / k < blocks; i++)
            {
                counts[(trace * blocks + steps[i] / k) * spec.Synapses + ids[i]] += 1;
            }
        }
        using var session = new InferenceSession(export.RolloutPath);
        using var input = OrtValue.CreateTensorValueFromMemory(counts, [few.TraceCount, blocks, spec.Synapses]);
        using var outputs = session.Run(new RunOptions(), [LatentOnnxExporter.EventCountsInput], [input], [LatentOnnxExporter.VoltagesOutput]);
        var voltages = outputs[0].GetTensorDataAsSpan<float>();
        int width = 1 + blocks * k;
        var graph = new float[few.TraceCount * few.Steps];
        for (int trace = 0; trace < few.TraceCount; trace++)
        {
            voltages.Slice(trace * width, few.Steps).CopyTo(graph.AsSpan(trace * few.Steps, few.Steps));
        }
        int same = SpikeDetector.TracesWithSameSpikes(few.TraceCount, few.Steps, few.TimeStepMs, graphPredictions.AsSpan(0, few.TraceCount * few.Steps), graph);
        string result = Invariant($"{same} of {few.TraceCount}");
        log($"{options.ModelName}: rollout graph and the one-step loop give the same spike times on {result} test traces");
        return (parity, result);
    }

    private IReadOnlyList<string> Plots(TraceSet test, SetScore score, IReadOnlyList<LatentTrainingReport> history)
    {
        string folder = Path.Combine(options.ResultsFolder, "plots");
        return ReportPlots.Guarded(log, files =>
        {
            for (int trace = 0; trace < Math.Min(options.PlotTraces, test.TraceCount); trace++)
            {
                string path = Path.Combine(folder, Invariant($"inputs_and_voltage_{trace}.png"));
                ReportPlots.SynapticTrace(path, test, trace, score.Predictions, options.ModelName);
                files.Add(path);
            }
            string roc = Path.Combine(folder, "spike_roc.png");
            ReportPlots.Roc(roc, score.Field.RocCurve(), score.Summary.SpikeAuc ?? double.NaN, options.ModelName);
            files.Add(roc);
            string training = Path.Combine(folder, "training.png");
            ReportPlots.LatentTraining(training, new Dictionary<string, IReadOnlyList<LatentTrainingReport>> { [options.ModelName] = history });
            files.Add(training);
            string raster = Path.Combine(folder, "raster.png");
            ReportPlots.Raster(raster, test, score.Predictions, options.ModelName);
            files.Add(raster);
        });
    }

    private string Report(LatentSpec spec, TraceSet train, TraceSet validation, TraceSet test, int parameters,
        IReadOnlyList<(int Seed, IReadOnlyList<LatentTrainingReport> History, double Seconds)> seeds, int shipped, List<SetScore> scores,
        IReadOnlyList<string> plots, IReadOnlyList<KeyValuePair<string, double>> timings, double seconds)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# {options.ModelName}: a synaptic latent surrogate"));
        text.AppendLine();
        text.AppendLine(Invariant($"Command: `{options.Command}`"));
        text.AppendLine();
        text.AppendLine(Invariant($"Data: `{options.DatasetPath}` with its events beside it{string.Concat(options.MoreTraining.Select(p => $", and `{p}` (training only)"))}; {train.TraceCount}/{validation.TraceCount}/{test.TraceCount} traces (train/validation/test, split by run) of {train.Steps * train.TimeStepMs:G5} ms at dt {train.TimeStepMs} ms; {spec.Synapses} synapses, {train.Events!.Average(e => e.Count):F0} input events per training trace."));
        text.AppendLine();
        text.AppendLine(Invariant($"Model: event counts per step of {spec.SurrogateTimeStepMs} ms (k = {spec.StepFactor}) → learned projection to {spec.InputChannels} channels → {spec.InputTimeConstantsMs.Count} leaky traces per channel (τ {string.Join(", ", spec.InputTimeConstantsMs)} ms) → with {spec.VoltageMemory} voltage traces and {spec.SpikeMemory} spike counts, an MLP {string.Join(" × ", options.Latent.Hidden)} → {spec.StepFactor} voltages and a spike probability. {parameters} parameters."));
        text.AppendLine();
        text.AppendLine("| seed | best validation Γ | training (s) | shipped |");
        text.AppendLine("|---:|---:|---:|---|");
        foreach (var (seed, history, secs) in seeds)
        {
            text.AppendLine(Invariant($"| {seed} | {history.Where(h => h.Best).Max(h => h.ValidationGamma):F4} | {secs:F0} | {(seed == shipped ? "yes" : "")} |"));
        }
        text.AppendLine();
        text.AppendLine("Closed loop through the exported graph (ONNX Runtime), every trace of each set:");
        text.AppendLine();
        text.AppendLine("| set | traces | Γ | F1 | rate error | spike AUC (1 ms) | TPR @ 0.25 % FPR | TPR @ 1 % FPR | RMSE clipped −55 mV | VE clipped | RMSE / VE clipped at whole ms | true spikes | model spikes |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in scores)
        {
            var m = s.Summary;
            text.AppendLine(Invariant($"| {s.Name} | {m.Traces} | {m.Gamma:F3} | {m.SpikeF1:F3} | {m.RateError:F3} | {m.SpikeAuc:F4} | {m.SpikeTprAtFpr025:F3} | {m.SpikeTprAtFpr1:F3} | {m.RmseClippedMv:F2} mV | {m.VarianceExplainedClipped:F3} | {m.RmseClipped1MsMv:F2} mV / {m.VarianceExplainedClipped1Ms:F3} | {m.TrueSpikes} | {m.ModelSpikes} |"));
        }
        text.AppendLine();
        var bands = BandsTable("the surrogate (closed loop)");
        foreach (var s in scores)
        {
            AddBands(bands, s.Name, s.Summary);
        }
        text.Append(bands);
        text.AppendLine();
        text.AppendLine(Invariant($"Checks: the trained module against the exported graph, closed loop over the first 50 ms of 4 test traces: largest difference {scores[0].Parity:E1} mV; the rollout graph and the one-step loop give the same spike times on {scores[0].RolloutSame} test traces."));
        text.AppendLine();
        text.AppendLine("Stages: " + string.Join(", ", timings.Select(t => Invariant($"{t.Key} {t.Value:F0} s"))) + Invariant($"; total {seconds:F0} s."));
        text.AppendLine();
        foreach (string plot in plots)
        {
            text.AppendLine(Invariant($"![{Path.GetFileNameWithoutExtension(plot)}](plots/{Path.GetFileName(plot)})"));
        }
        return text.ToString();
    }
}
