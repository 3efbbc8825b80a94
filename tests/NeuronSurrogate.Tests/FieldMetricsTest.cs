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
}
