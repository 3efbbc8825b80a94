using System.Text;
using NeuronSurrogate.Metrics;
using static System.FormattableString;

namespace NeuronSurrogate.Train;

/// <summary>The tables every report shares: one row of metrics per model, in closed loop and teacher-forced; the plots and the timings.</summary>
internal static class ReportTables
{
    /// <summary>Appends the closed-loop (headline) and teacher-forced (diagnostic) sections, models in the given order.</summary>
    public static void Models(StringBuilder text, IEnumerable<(string Name, ModelResult Result)> models)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = models.ToArray();
        foreach (var (mode, pick) in new (string, Func<ModelResult, MetricSummary>)[] { ("Closed loop (headline)", r => r.ClosedLoop), ("Teacher-forced (one step ahead, diagnostic)", r => r.TeacherForced) })
        {
            text.AppendLine($"## {mode}");
            text.AppendLine();
            text.AppendLine("| model | Γ (mean) | Γ (median) | Γ, traces that fire | spike F1 | precision | recall | RMSE (mV) | subthreshold RMSE (mV) | rate error | spikes (model / true) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (name, result) in rows)
            {
                var m = pick(result);
                text.AppendLine(Invariant($"| {name} | {m.Gamma:F3} | {m.GammaMedian:F3} | {m.GammaFiringTraces:F3} ({m.FiringTraces}) | {m.SpikeF1:F3} | {m.SpikePrecision:F3} | {m.SpikeRecall:F3} | {m.RmseMv:F2} | {m.RmseSubthresholdMv:F2} | {m.RateError:F3} | {m.ModelSpikes} / {m.TrueSpikes} |"));
            }
            text.AppendLine();
        }
        text.AppendLine("\"Γ, traces that fire\" is the mean over the traces where the truth has at least one spike (how many in brackets): a trace where neither model nor truth fires counts Γ = 1, so where many traces are silent this is the figure that tells.");
        text.AppendLine();
    }

    /// <summary>Appends the list of plots (when there are any) and the table of stage timings.</summary>
    public static void PlotsAndTimings(StringBuilder text, IReadOnlyList<string> plots, IEnumerable<KeyValuePair<string, double>> timings)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (plots.Count > 0)
        {
            text.AppendLine("## Plots");
            text.AppendLine();
            foreach (var plot in plots)
            {
                text.AppendLine($"- [{plot}]({plot})");
            }
            text.AppendLine();
        }
        text.AppendLine("## Timings");
        text.AppendLine();
        text.AppendLine("| stage | seconds |");
        text.AppendLine("|---|---:|");
        foreach (var (stage, seconds) in timings)
        {
            text.AppendLine(Invariant($"| {stage} | {seconds:F1} |"));
        }
    }
}
