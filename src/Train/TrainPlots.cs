using NeuronSurrogate.Data;
using NeuronSurrogate.Torch;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>The main job's PNGs: test traces with every model's closed loop, the MLP's training, its raster, and the f–I curves.</summary>
internal static class TrainPlots
{
    /// <summary>Writes the plots into the results folder; a plotting failure (e.g. no fonts) is logged, never fatal.</summary>
    /// <returns>The plots written, relative to the results folder.</returns>
    public static IReadOnlyList<string> Write(TrainOptions options, TraceSet test, IReadOnlyDictionary<string, double[]> closedLoop,
        IReadOnlyList<EpochReport> history, IReadOnlyDictionary<string, GeneralizationResult> generalization, Action<string> log)
    {
        return ReportPlots.Guarded(log, plots =>
        {
            string folder = Path.Combine(options.ResultsFolder, "plots");
            var random = new Stimuli.TraceRandom(options.Seed, 7, 7);
            var picks = Enumerable.Range(0, test.TraceCount).OrderBy(_ => random.NextUInt64()).Take(Math.Min(options.PlotTraces, test.TraceCount)).ToArray();
            for (int k = 0; k < picks.Length; k++)
            {
                string name = Invariant($"plots/test_trace_{k + 1}.png");
                ReportPlots.Trace(Path.Combine(options.ResultsFolder, name), test, picks[k], closedLoop);
                plots.Add(name);
            }
            if (history.Count > 0)
            {
                ReportPlots.Training(Path.Combine(folder, "training.png"), history);
                plots.Add("plots/training.png");
            }
            if (closedLoop.TryGetValue("mlp", out var mlp))
            {
                ReportPlots.Raster(Path.Combine(folder, "raster.png"), test, mlp, "mlp");
                plots.Add("plots/raster.png");
            }
            if (generalization.Count > 0)
            {
                ReportPlots.FiCurve(Path.Combine(folder, "fi_curve.png"), generalization.ToDictionary(g => g.Key, g => g.Value.FiCurve));
                plots.Add("plots/fi_curve.png");
            }
        });
    }
}
