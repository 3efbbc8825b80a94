using System.Text.Json.Serialization;

namespace NeuronSurrogate.Metrics;

/// <summary>
/// Metrics aggregated over the traces of an evaluation: means over traces, medians where useful, and the pooled
/// rate error. The JSON names are the contract of <c>results/metrics.json</c> (DESIGN section 5).
/// </summary>
public sealed record MetricSummary
{
    [JsonPropertyName("gamma")] public double Gamma { get; init; }
    [JsonPropertyName("spike_f1")] public double SpikeF1 { get; init; }
    [JsonPropertyName("spike_precision")] public double SpikePrecision { get; init; }
    [JsonPropertyName("spike_recall")] public double SpikeRecall { get; init; }
    [JsonPropertyName("rmse_mv")] public double RmseMv { get; init; }
    [JsonPropertyName("rmse_subthreshold_mv")] public double RmseSubthresholdMv { get; init; }
    [JsonPropertyName("rate_error")] public double RateError { get; init; }
    [JsonPropertyName("gamma_median")] public double GammaMedian { get; init; }
    [JsonPropertyName("rmse_mv_median")] public double RmseMvMedian { get; init; }
    [JsonPropertyName("traces")] public int Traces { get; init; }
    [JsonPropertyName("true_spikes")] public long TrueSpikes { get; init; }
    [JsonPropertyName("model_spikes")] public long ModelSpikes { get; init; }

    /// <summary>Mean Γ over the traces where the truth fires at least once (NaN when none does): where many traces are
    /// silent, a silent model already scores Γ = 1 on each of them, and this is the figure that tells.</summary>
    [JsonPropertyName("gamma_firing_traces")] public double GammaFiringTraces { get; init; }

    /// <summary>Mean spike F1 over the traces where the truth fires at least once (NaN when none does).</summary>
    [JsonPropertyName("spike_f1_firing_traces")] public double SpikeF1FiringTraces { get; init; }

    /// <summary>How many traces the truth fires in.</summary>
    [JsonPropertyName("firing_traces")] public int FiringTraces { get; init; }

    /// <summary>Spike prediction ROC AUC in 1 ms bins, pooled over traces (<see cref="FieldMetrics"/>); absent where not computed.</summary>
    [JsonPropertyName("spike_auc_1ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SpikeAuc { get; init; }

    /// <summary>The true-positive rate of 1 ms spike bins at a false-positive rate of at most 0.25 %.</summary>
    [JsonPropertyName("spike_tpr_at_fpr_0_25pct"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SpikeTprAtFpr025 { get; init; }

    /// <summary>The true-positive rate of 1 ms spike bins at a false-positive rate of at most 1 %.</summary>
    [JsonPropertyName("spike_tpr_at_fpr_1pct"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SpikeTprAtFpr1 { get; init; }

    /// <summary>What scored the bins: <c>probability</c> (the model's spike probability), <c>voltage</c> (its largest predicted voltage in the bin) or <c>mixed</c>.</summary>
    [JsonPropertyName("spike_score"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SpikeScore { get; init; }

    /// <summary>RMSE with both voltages clipped at −55 mV, pooled over samples.</summary>
    [JsonPropertyName("rmse_clipped_mv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? RmseClippedMv { get; init; }

    /// <summary>Variance of the clipped true voltage explained by the clipped prediction, pooled over samples.</summary>
    [JsonPropertyName("variance_explained_clipped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? VarianceExplainedClipped { get; init; }

    /// <summary>
    /// <see cref="RmseClippedMv"/> over the samples at whole milliseconds only, as the literature's 1 ms recordings are
    /// scored (Beniaguev et al. 2021, Spieler et al. 2024): the figure their clipped RMSE compares with.
    /// </summary>
    [JsonPropertyName("rmse_clipped_1ms_mv"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? RmseClipped1MsMv { get; init; }

    /// <summary><see cref="VarianceExplainedClipped"/> over the samples at whole milliseconds only.</summary>
    [JsonPropertyName("variance_explained_clipped_1ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? VarianceExplainedClipped1Ms { get; init; }

    /// <summary>
    /// The clipped voltage split by the time since the truth's last spike (<see cref="SpikeBands"/>): each band's share of
    /// the samples and of the clipped variance, and the prediction's clipped RMSE in it; pooled over samples.
    /// </summary>
    [JsonPropertyName("clipped_by_time_since_last_spike"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<SpikeBand>? ClippedBySinceSpike { get; init; }

    /// <summary>Aggregates per-trace metrics.</summary>
    public static MetricSummary From(IReadOnlyCollection<TraceMetrics> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0)
        {
            throw new ArgumentException("no traces to aggregate", nameof(traces));
        }
        long trueSpikes = traces.Sum(t => (long)t.TrueSpikes);
        long modelSpikes = traces.Sum(t => (long)t.ModelSpikes);
        var subthreshold = traces.Select(t => t.RmseSubthresholdMv).Where(double.IsFinite).ToArray();
        var firing = traces.Where(t => t.TrueSpikes > 0).ToArray();
        return new MetricSummary
        {
            Gamma = traces.Average(t => t.Gamma),
            SpikeF1 = traces.Average(t => t.F1),
            SpikePrecision = traces.Average(t => t.Precision),
            SpikeRecall = traces.Average(t => t.Recall),
            RmseMv = traces.Average(t => t.RmseMv),
            RmseSubthresholdMv = subthreshold.Length > 0 ? subthreshold.Average() : double.NaN,
            // Pooled over traces: |Σ model − Σ true| / Σ true; when the truth never fires, 0 if the model does not either, else 1.
            RateError = trueSpikes > 0 ? Math.Abs(modelSpikes - trueSpikes) / (double)trueSpikes : modelSpikes == 0 ? 0 : 1,
            GammaMedian = Median(traces.Select(t => t.Gamma)),
            RmseMvMedian = Median(traces.Select(t => t.RmseMv)),
            Traces = traces.Count,
            TrueSpikes = trueSpikes,
            ModelSpikes = modelSpikes,
            GammaFiringTraces = firing.Length > 0 ? firing.Average(t => t.Gamma) : double.NaN,
            SpikeF1FiringTraces = firing.Length > 0 ? firing.Average(t => t.F1) : double.NaN,
            FiringTraces = firing.Length,
        };
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
