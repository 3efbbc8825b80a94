using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Torch;
using static TorchSharp.torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// The voltage-lag (NARX) MLP of the experiments: trained one step ahead on the training runs' lag features (steps the
/// reset rule decides are left out), standardized by ML.NET, epochs chosen by closed-loop Γ on the validation runs.
/// </summary>
internal static class VoltageLagTrainer
{
    /// <returns>The model with its best weights (the caller owns it), the history and the training rows.</returns>
    public static (VoltageLagMlp Model, IReadOnlyList<EpochReport> History, int Rows) Train(MLContext ml, MlpSettings settings, FeatureSpec spec,
        SpikeResetRule? rule, TraceSet train, TraceSet validation, Action<EpochReport>? progress = null)
    {
        var features = new List<float>();
        var targets = new List<float>();
        var row = new float[spec.Count];
        for (int trace = 0; trace < train.TraceCount; trace++)
        {
            var v = train.Trace(train.VoltagesMv, trace);
            var i = train.Trace(train.Currents, trace);
            for (int t = 0; t < train.Steps; t++)
            {
                if (rule is not null && t >= 1 && v[t - 1] >= rule.PeakMv)
                {
                    continue; // the reset rule decides this step
                }
                spec.Fill(v, i, t, row);
                features.AddRange(row);
                targets.Add((float)spec.TargetOf(v, t));
            }
        }
        var (offset, scale, mean, targetScale) = StateNormalizer.Fit(ml, [.. features], spec.Count, [.. targets], 1);
        TorchRuntime.Initialize(settings.Threads);
        random.manual_seed(settings.Seed);
        var model = new VoltageLagMlp(settings, spec, offset, scale, mean[0], targetScale[0]);
        int rows = targets.Count;
        try
        {
            var history = MlpTrainer.Train(model, model, [.. features], [.. targets], rows, settings, () =>
            {
                var s = Evaluation.Summarize(validation, ClosedLoop(model, spec, rule, validation).Predictions);
                return (s.Gamma, s.RmseSubthresholdMv);
            }, progress);
            return (model, history, rows);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The closed-loop voltages of <paramref name="traces"/> and the traces that diverged.</summary>
    public static (double[] Predictions, int Diverged) ClosedLoop(VoltageLagMlp model, FeatureSpec spec, SpikeResetRule? rule, TraceSet traces)
    {
        var predictions = new double[traces.VoltagesMv.Length];
        var stops = VoltageLagRollout.ClosedLoop(spec, new TorchLagPredictor(model), traces.Currents, predictions, traces.TraceCount, rule);
        return (predictions, stops.Count(s => s >= 0));
    }
}
