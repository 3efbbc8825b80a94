using System.Text.Json;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class FieldMetricsTest
{
    /// <summary>A trace at −65 mV of 0.1 ms steps with one-step spikes to +20 mV at <paramref name="spikeSteps"/>.</summary>
    private static double[] Truth(int steps, params int[] spikeSteps)
    {
        var v = Enumerable.Repeat(-65.0, steps).ToArray();
        foreach (int k in spikeSteps)
        {
            v[k] = 20;
        }
        return v;
    }

    [TestMethod]
    public void FieldMetricsTest_AucAndTprMatchTheirDefinitionsCountedPairByPair()
    {
        var random = new TraceRandom(3, 0, 0);
        var field = new FieldMetrics();
        var labels = new List<bool>();
        var scores = new List<double>();
        for (int trace = 0; trace < 3; trace++)
        {
            var truth = Truth(5000, 105 + trace, 1234, 2999, 4000 + 7 * trace);
            var probability = new double[5000];
            for (int k = 0; k < probability.Length; k++)
            {
                // Informative but imperfect, with ties (two decimals): spike steps score higher on average.
                probability[k] = Math.Round(random.NextDouble() * 0.6 + (truth[k] > 0 ? 0.35 : 0), 2);
            }
            field.Add(truth, truth, 0.1, probability);
            for (int b = 0; b < 500; b++)
            {
                labels.Add(truth.AsSpan(b * 10, 10).ToArray().Any(x => x > 0));
                scores.Add(probability.AsSpan(b * 10, 10).ToArray().Max());
            }
        }
        Assert.AreEqual(1500, field.Bins);
        var summary = field.AddTo(new MetricSummary());
        var positive = scores.Where((_, i) => labels[i]).ToArray();
        var negative = scores.Where((_, i) => !labels[i]).ToArray();
        double pairs = positive.Sum(p => negative.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0));
        Assert.AreEqual(pairs / (positive.Length * (double)negative.Length), summary.SpikeAuc!.Value, 1e-12);
        Assert.AreEqual("probability", summary.SpikeScore);
        // TPR at the lowest threshold whose FPR stays within 1 %.
        double best = 0;
        foreach (double threshold in scores.Distinct())
        {
            double fpr = negative.Count(n => n >= threshold) / (double)negative.Length;
            if (fpr <= 0.01)
            {
                best = Math.Max(best, positive.Count(p => p >= threshold) / (double)positive.Length);
            }
        }
        Assert.AreEqual(best, summary.SpikeTprAtFpr1!.Value, 1e-12);
        Assert.IsTrue(summary.SpikeTprAtFpr025 <= summary.SpikeTprAtFpr1);
        Assert.AreEqual(0, summary.RmseClippedMv!.Value, 1e-12, "a perfect voltage");

        // The ROC curve runs from (0, 0) to (1, 1), never falls, and its trapezoids hold the same AUC.
        var curve = field.RocCurve();
        Assert.AreEqual((0.0, 0.0), curve[0]);
        Assert.AreEqual(1, curve[^1].Fpr, 1e-12);
        Assert.AreEqual(1, curve[^1].Tpr, 1e-12);
        Assert.IsTrue(curve.Zip(curve.Skip(1)).All(p => p.Second.Fpr >= p.First.Fpr && p.Second.Tpr >= p.First.Tpr));
        double area = curve.Zip(curve.Skip(1)).Sum(p => (p.Second.Fpr - p.First.Fpr) * (p.Second.Tpr + p.First.Tpr) / 2);
        Assert.AreEqual(summary.SpikeAuc!.Value, area, 1e-12);
        Assert.IsEmpty(new FieldMetrics().RocCurve());
    }

    [TestMethod]
    public void FieldMetricsTest_ClippingRemovesSpikesFromTheVoltageError()
    {
        var truth = Truth(2000, 500, 1500);
        // Subthreshold 2 mV off, and the spikes missed: clipped at −55 mV, only the 2 mV remain.
        var predicted = truth.Select(v => v > 0 ? -63.0 : v + 2).ToArray();
        for (int k = 0; k < truth.Length; k++)
        {
            truth[k] += 3 * Math.Sin(k / 50.0);
            predicted[k] += 3 * Math.Sin(k / 50.0);
        }
        var field = new FieldMetrics();
        field.Add(truth, predicted, 0.1);
        var summary = field.AddTo(new MetricSummary());
        Assert.AreEqual(2.0, summary.RmseClippedMv!.Value, 0.05);
        Assert.IsTrue(summary.VarianceExplainedClipped < 1);
        Assert.AreEqual("voltage", summary.SpikeScore);
        // The missed spikes' bins score −63 mV, no higher than the rest: no better than chance.
        Assert.IsTrue(summary.SpikeAuc <= 0.5, $"{summary.SpikeAuc}");
        var perfect = new FieldMetrics();
        perfect.Add(truth, truth, 0.1);
        Assert.AreEqual(1.0, perfect.AddTo(new MetricSummary()).VarianceExplainedClipped!.Value, 1e-12);
    }

    [TestMethod]
    public void FieldMetricsTest_TheClippedVarianceSplitsByTheTimeSinceTheLastSpike()
    {
        // One trace of 100 ms at dt 0.1: −70 mV with a spike at 30 ms (one step at +30 mV), then −60 mV for 10 ms.
        const int steps = 1000;
        var v = Enumerable.Repeat(-70.0, steps).ToArray();
        v[300] = 30;
        for (int t = 301; t < 401; t++)
        {
            v[t] = -60;
        }
        Assert.HasCount(1, SpikeDetector.Detect(v, 0.1));
        var field = new FieldMetrics();
        field.Add(v, Enumerable.Repeat(-70.0, steps).ToArray(), 0.1);
        var summary = field.AddTo(new MetricSummary { Traces = 1 });
        var rows = summary.ClippedBySinceSpike!;
        Assert.HasCount(SpikeBands.EdgesMs.Count + 1, rows);
        Assert.AreEqual(1, rows.Sum(r => r.TimeShare), 1e-12);
        Assert.AreEqual(1, rows.Sum(r => r.VarianceShare), 1e-12);
        // The spike crosses 0 mV just before step 300: steps 300–349 are in the first band, 350–499 in the second, 500–799 in
        // the third, the trace's last 200 in the fourth, and the 300 before the spike in the last.
        double[] shares = [0.05, 0.15, 0.3, 0.2, 0.3];
        for (int band = 0; band < shares.Length; band++)
        {
            Assert.AreEqual(shares[band], rows[band].TimeShare, 1e-12, $"band {band}");
        }
        // The prediction misses the spike step (clipped to −55: 15 mV) and the −60 mV plateau (10 mV): its RMSE is the truth's
        // in each band, and the bands' squared errors add up to the pooled clipped RMSE's.
        Assert.AreEqual(0, rows[3].RmseClippedMv, 1e-12);
        Assert.AreEqual(Math.Sqrt((15.0 * 15 + 49 * 10 * 10) / 50), rows[0].RmseClippedMv, 1e-9);
        Assert.AreEqual(summary.RmseClippedMv!.Value, Math.Sqrt(rows.Sum(r => r.TimeShare * r.RmseClippedMv * r.RmseClippedMv)), 1e-12);
        Assert.AreEqual("< 5 ms", rows[0].Label);
        Assert.AreEqual("≥ 100 ms (or no spike yet)", rows[^1].Label);

        // In metrics.json and evaluate --json: the edges, with no upper edge on the last band.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(summary, CardJsonContext.Default.MetricSummary));
        var bands = json.RootElement.GetProperty("clipped_by_time_since_last_spike");
        Assert.AreEqual(5, bands.GetArrayLength());
        Assert.AreEqual(5.0, bands[1].GetProperty("from_ms").GetDouble());
        Assert.AreEqual(JsonValueKind.Null, bands[4].GetProperty("to_ms").ValueKind);
        Assert.AreEqual(rows[0].RmseClippedMv, bands[0].GetProperty("rmse_clipped_mv").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void FieldMetricsTest_TheClippedRmseAtWholeMillisecondsScoresOnlyThoseSamples()
    {
        // 50 ms at dt 0.1 ms: the prediction is the truth at 0, 1, 2 … ms and 4 mV off everywhere between.
        var truth = Truth(500, 120, 321);
        var predicted = truth.Select((v, k) => k % 10 == 0 ? v : v - 4).ToArray();
        var field = new FieldMetrics();
        field.Add(truth, predicted, 0.1);
        var m = field.AddTo(new MetricSummary { Traces = 1 });
        Assert.AreEqual(0, m.RmseClipped1MsMv!.Value, 1e-12);
        // Over every sample: 4 mV at the 450 steps between whole milliseconds, less the spike step among them (both sides clipped).
        Assert.AreEqual(Math.Sqrt((450 - 1) * 16.0 / 500), m.RmseClippedMv!.Value, 1e-9);
        Assert.AreEqual(1, m.VarianceExplainedClipped1Ms!.Value, 1e-12);

        // At dt 0.25 ms the whole milliseconds are every fourth step; off by 2 mV there alone.
        var coarse = new FieldMetrics();
        var truth4 = Truth(400, 77);
        coarse.Add(truth4, truth4.Select((v, k) => k % 4 == 0 ? v + 2 : v).ToArray(), 0.25);
        var c = coarse.AddTo(new MetricSummary { Traces = 1 });
        Assert.AreEqual(2, c.RmseClipped1MsMv!.Value, 1e-12);
        Assert.AreEqual(1.0, c.RmseClippedMv!.Value, 1e-12);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => coarse.Add(truth4, truth4, 0));
    }
}
