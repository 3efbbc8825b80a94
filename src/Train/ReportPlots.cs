using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using ScottPlot;

namespace NeuronSurrogate.Train;

/// <summary>The PNG plots of the report (ScottPlot). Text needs fonts on the machine (Debian: fonts-dejavu-core).</summary>
internal static class ReportPlots
{
    private const int Width = 1000, Height = 420;

    /// <summary>
    /// Runs <paramref name="plot"/>, which adds the plots it writes to a list, and returns that list; a plotting failure
    /// (e.g. no fonts) is logged, never fatal: plots are a convenience of the report and must not lose the metrics.
    /// </summary>
    public static IReadOnlyList<string> Guarded(Action<string> log, Action<List<string>> plot)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(plot);
        var plots = new List<string>();
        try
        {
            plot(plots);
        }
#pragma warning disable CA1031 // Whatever ScottPlot throws, the report goes on without the plot.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log($"warning: plots not written ({e.GetType().Name}: {e.Message}); on Debian, `apt-get install fonts-dejavu-core` gives ScottPlot its fonts");
        }
        return plots;
    }

    /// <summary>One test trace: truth and each model's closed-loop prediction, with the current below.</summary>
    public static void Trace(string path, TraceSet test, int trace, IReadOnlyDictionary<string, double[]> predictions)
    {
        var plot = new Plot();
        double dt = test.TimeStepMs;
        var truth = test.Trace(test.VoltagesMv, trace).ToArray();
        var line = plot.Add.Signal(truth, dt);
        line.LegendText = "simulator (truth)";
        line.LineWidth = 3;
        line.Color = Colors.Black;
        var palette = new[] { Colors.OrangeRed, Colors.RoyalBlue, Colors.SeaGreen };
        int k = 0;
        foreach (var (name, values) in predictions)
        {
            var series = plot.Add.Signal(values.AsSpan(trace * test.Steps, test.Steps).ToArray(), dt);
            series.LegendText = $"{name} (closed loop)";
            series.Color = palette[k++ % palette.Length];
            series.LineWidth = 1.5f;
        }
        plot.Title($"Held-out test trace: run {test.Runs[trace]}, neuron {test.Neurons[trace]} — the surrogates see only the current");
        plot.XLabel("time (ms)");
        plot.YLabel("membrane potential (mV)");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    /// <summary>Training curves: one-step loss and the closed-loop validation score that chose the model.</summary>
    public static void Training(string path, IReadOnlyList<Torch.EpochReport> history)
    {
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        var gamma = plot.Add.Scatter(epochs, history.Select(h => h.ValidationGamma).ToArray());
        gamma.LegendText = "validation Γ (closed loop)";
        var rmse = plot.Add.Scatter(epochs, history.Select(h => h.ValidationRmseSubthresholdMv).ToArray());
        rmse.LegendText = "validation subthreshold RMSE (mV, closed loop)";
        var loss = plot.Add.Scatter(epochs, history.Select(h => Math.Log10(h.TrainLoss)).ToArray());
        loss.LegendText = "log10 training loss (one step, standardized)";
        loss.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "log10 one-step loss";
        plot.Title("MLP training: the model kept is the best closed-loop validation epoch");
        plot.XLabel("epoch");
        plot.YLabel("Γ / RMSE (mV)");
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>Latent training: the closed-loop validation Γ that chose the weights, one line per seed.</summary>
    public static void LatentTraining(string path, IReadOnlyDictionary<string, IReadOnlyList<Torch.LatentTrainingReport>> histories)
    {
        var plot = new Plot();
        foreach (var (name, history) in histories)
        {
            var gamma = plot.Add.Scatter(history.Select(h => (double)h.Iteration).ToArray(), history.Select(h => h.ValidationGamma).ToArray());
            gamma.LegendText = $"validation Γ (closed loop), {name}";
        }
        plot.Title("Latent training: the weights kept are those with the best closed-loop validation Γ");
        plot.XLabel("iteration");
        plot.YLabel("Γ");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    /// <summary>Spike raster of the first traces: truth and one model, side by side on each row.</summary>
    public static void Raster(string path, TraceSet test, double[] predictions, string model, int traces = 25)
    {
        var plot = new Plot();
        var xs = new List<double>();
        var ys = new List<double>();
        var mx = new List<double>();
        var my = new List<double>();
        for (int trace = 0; trace < Math.Min(traces, test.TraceCount); trace++)
        {
            foreach (double t in SpikeDetector.Detect(test.Trace(test.VoltagesMv, trace), test.TimeStepMs))
            {
                xs.Add(t);
                ys.Add(trace);
            }
            foreach (double t in SpikeDetector.Detect(predictions.AsSpan(trace * test.Steps, test.Steps), test.TimeStepMs))
            {
                mx.Add(t);
                my.Add(trace + 0.35);
            }
        }
        var truth = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
        truth.LegendText = "simulator";
        truth.Color = Colors.Black;
        truth.MarkerShape = MarkerShape.VerticalBar;
        truth.MarkerSize = 12;
        var predicted = plot.Add.ScatterPoints(mx.ToArray(), my.ToArray());
        predicted.LegendText = $"{model} (closed loop)";
        predicted.Color = Colors.OrangeRed;
        predicted.MarkerShape = MarkerShape.VerticalBar;
        predicted.MarkerSize = 12;
        plot.Title($"Spike raster, first {Math.Min(traces, test.TraceCount)} held-out test traces");
        plot.XLabel("time (ms)");
        plot.YLabel("test trace");
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>The RS f–I curve: spikes in 1 s of constant current, simulator and models.</summary>
    public static void FiCurve(string path, IReadOnlyDictionary<string, IReadOnlyList<FiPoint>> curves,
        string title = "RS f–I curve: spikes in 1 s of constant current", string currentLabel = "current I")
    {
        var plot = new Plot();
        bool truthDrawn = false;
        foreach (var (name, points) in curves)
        {
            double[] currents = points.Select(p => p.Current).ToArray();
            if (!truthDrawn)
            {
                var truth = plot.Add.Scatter(currents, points.Select(p => (double)p.TrueSpikes).ToArray());
                truth.LegendText = "simulator";
                truth.Color = Colors.Black;
                truth.LineWidth = 3;
                truthDrawn = true;
            }
            var model = plot.Add.Scatter(currents, points.Select(p => (double)p.ModelSpikes).ToArray());
            model.LegendText = $"{name} (closed loop)";
        }
        plot.Title(title);
        plot.XLabel(currentLabel);
        plot.YLabel("spikes per second");
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    /// <summary>
    /// One synaptic test trace: its input events as a raster (excitatory synapses in red, the rest in blue; one row per
    /// synapse) above the soma's voltage, truth against the closed-loop prediction.
    /// </summary>
    public static void SynapticTrace(string path, TraceSet test, int trace, double[] predictions, string model)
    {
        var plot = new Plot();
        double dt = test.TimeStepMs;
        var truth = plot.Add.Signal(test.Trace(test.VoltagesMv, trace).ToArray(), dt);
        truth.LegendText = "NEURON (truth)";
        truth.LineWidth = 2;
        truth.Color = Colors.Black;
        var predicted = plot.Add.Signal(predictions.AsSpan(trace * test.Steps, test.Steps).ToArray(), dt);
        predicted.LegendText = $"{model} (closed loop)";
        predicted.LineWidth = 1.2f;
        predicted.Color = Colors.OrangeRed;
        // The raster sits above the voltage: synapse s at 50 + s / 4 (mV axis units), excitatory ids first.
        var events = test.Events![trace];
        int half = Math.Max(1, test.SynapseCount / 2);
        foreach (bool excitatory in new[] { true, false })
        {
            var picked = Enumerable.Range(0, events.Count).Where(i => (events.Synapses[i] < half) == excitatory).ToArray();
            var points = plot.Add.ScatterPoints(picked.Select(i => events.TimesMs[i]).ToArray(), picked.Select(i => 50 + events.Synapses[i] / 4.0).ToArray());
            points.MarkerSize = 1;
            points.Color = excitatory ? Colors.Red.WithAlpha(0.5) : Colors.Blue.WithAlpha(0.5);
            points.LegendText = excitatory ? "excitatory input events (ids below half)" : "inhibitory input events";
        }
        plot.Title($"Held-out test trace run {test.Runs[trace]}: {events.Count} input events (raster, top) and the soma's voltage");
        plot.XLabel("time (ms)");
        plot.YLabel("membrane potential (mV); raster: 50 + synapse / 4");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    /// <summary>The spike prediction's ROC curve in 1 ms bins, with its AUC.</summary>
    public static void Roc(string path, IReadOnlyList<(double Fpr, double Tpr)> curve, double auc, string model)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(curve.Select(p => p.Fpr).ToArray(), curve.Select(p => p.Tpr).ToArray());
        line.MarkerSize = 0;
        line.LegendText = FormattableString.Invariant($"{model}: AUC {auc:F4}");
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title("Spike prediction in 1 ms bins, held-out test runs (score: the spike head's probability)");
        plot.XLabel("false-positive rate");
        plot.YLabel("true-positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
