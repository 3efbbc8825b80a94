namespace NeuronSurrogate.Metrics;

/// <summary>The metrics of one predicted trace against its truth (DESIGN section 5).</summary>
/// <param name="RmseMv">RMSE over all samples.</param>
/// <param name="RmseSubthresholdMv">RMSE over samples farther than 2 ms from every true spike (NaN when there are none).</param>
/// <param name="TrueSpikes">Spikes in the truth.</param>
/// <param name="ModelSpikes">Spikes in the prediction.</param>
/// <param name="Matches">One-to-one matches within ±Δ.</param>
/// <param name="Precision">Matches / model spikes (1 when both are silent, 0 when only the truth fires).</param>
/// <param name="Recall">Matches / true spikes (1 when both are silent, 0 when only the model fires).</param>
/// <param name="F1">Harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Gamma">Coincidence factor Γ (1 when both are silent).</param>
/// <param name="DurationMs">Length of the trace.</param>
public readonly record struct TraceMetrics(
    double RmseMv, double RmseSubthresholdMv, int TrueSpikes, int ModelSpikes, int Matches,
    double Precision, double Recall, double F1, double Gamma, double DurationMs);
