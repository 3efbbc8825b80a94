using NeuronSurrogate.Metrics;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class SpikeTrainMetricsTest
{
    [TestMethod]
    public void SpikeTrainMetricsTest_IdenticalTrainsHaveGammaOne()
    {
        double[] spikes = [3.1, 20, 47.5, 80];
        int matches = SpikeTrainMetrics.Match(spikes, spikes);
        Assert.AreEqual(4, matches);
        Assert.AreEqual(1, SpikeTrainMetrics.Gamma(4, 4, matches, 100), 1e-12);
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_TrainsShiftedBeyondTheWindowHaveGammaAtMostZero()
    {
        double[] truth = [10, 30, 50, 70];
        double[] model = truth.Select(t => t + 2.5).ToArray();
        int matches = SpikeTrainMetrics.Match(truth, model);
        Assert.AreEqual(0, matches);
        // Γ = −⟨N_coinc⟩ / (½(4 + 4)) / 𝒩 with ν = 0.04/ms: −0.64 / 4 / 0.84.
        Assert.AreEqual(-0.64 / 4 / 0.84, SpikeTrainMetrics.Gamma(4, 4, matches, 100), 1e-12);
        Assert.IsLessThanOrEqualTo(0.0, SpikeTrainMetrics.Gamma(4, 4, matches, 100));
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_IndependentRandomTrainsHaveGammaNearZero()
    {
        // Poisson trains of 20 Hz over 10 s, independent: Γ is 0 in expectation; the mean of 200 pairs is within ±0.03.
        var random = new TraceRandom(1, 2, 3);
        double sum = 0;
        for (int pair = 0; pair < 200; pair++)
        {
            var a = Poisson(ref random, 0.02, 10_000);
            var b = Poisson(ref random, 0.02, 10_000);
            sum += SpikeTrainMetrics.Gamma(a.Count, b.Count, SpikeTrainMetrics.Match(a, b), 10_000);
        }
        Assert.AreEqual(0, sum / 200, 0.03);

        static List<double> Poisson(ref TraceRandom random, double ratePerMs, double durationMs)
        {
            var times = new List<double>();
            for (double t = -Math.Log(1 - random.NextDouble()) / ratePerMs; t < durationMs; t += -Math.Log(1 - random.NextDouble()) / ratePerMs)
            {
                times.Add(t);
            }
            return times;
        }
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_WorkedExample()
    {
        // Truth 10, 30, 50, 70 ms; model 11, 31.5, 45, 90 ms. Within ±2 ms: 10↔11 and 30↔31.5; 50 and 70 are missed,
        // 45 and 90 are false. Precision = recall = F1 = 2/4. Γ = (2 − 0.64) / 4 / 0.84 = 0.40476.
        var truth = Trace([10, 30, 50, 70]);
        var model = Trace([11, 31.5, 45, 90]);
        var m = SpikeTrainMetrics.Compute(truth, model, 0.1);
        Assert.AreEqual(4, m.TrueSpikes);
        Assert.AreEqual(4, m.ModelSpikes);
        Assert.AreEqual(2, m.Matches);
        Assert.AreEqual(0.5, m.Precision, 1e-12);
        Assert.AreEqual(0.5, m.Recall, 1e-12);
        Assert.AreEqual(0.5, m.F1, 1e-12);
        Assert.AreEqual(1.36 / 4 / 0.84, m.Gamma, 1e-9);
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_MatchingIsOneToOne()
    {
        // Two model spikes near one true spike: one match, one false positive.
        Assert.AreEqual(1, SpikeTrainMetrics.Match([10.0], [9.0, 11.0]));
        // One model spike between two true spikes: it is taken by the first.
        Assert.AreEqual(1, SpikeTrainMetrics.Match([10.0, 13.0], [11.5]));
        Assert.AreEqual(2, SpikeTrainMetrics.Match([10.0, 13.0], [11.5, 13.4]));
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_RmseAndSubthresholdMask()
    {
        // 100 ms at 0.1 ms; truth at −65 with one spike at 50 ms; prediction off by 1 mV everywhere and with no spike.
        var truth = Trace([50]);
        var prediction = truth.Select(v => v >= 0 ? -64.0 : v + 1).ToArray();
        var m = SpikeTrainMetrics.Compute(truth, prediction, 0.1);
        Assert.AreEqual(1, m.RmseSubthresholdMv, 1e-12, "samples within 2 ms of the spike are excluded");
        Assert.AreEqual(Math.Sqrt((999 + 94 * 94) / 1000.0), m.RmseMv, 1e-9);
        Assert.AreEqual(0, m.Precision);
        Assert.AreEqual(0, m.Recall);
        Assert.AreEqual(0, m.F1);
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_DetectorUsesUpwardZeroCrossingsWithRefractoryPeriod()
    {
        double[] v = [-65, -10, 5, 30, -65, 1, -65, -65, -65, -65, -65, -65, 2, -65];
        // Crossings at steps 2, 5 and 12 (0.1 ms steps): 5 is 0.3 ms after 2, inside the 1 ms refractory period.
        CollectionAssert.AreEqual(new[] { 0.2, 1.2 }, SpikeDetector.Detect(v, 0.1).Select(t => Math.Round(t, 6)).ToArray());
    }

    [TestMethod]
    public void SpikeTrainMetricsTest_SummaryAggregates()
    {
        var a = SpikeTrainMetrics.Compute(Trace([10, 30]), Trace([10, 30]), 0.1);
        var b = SpikeTrainMetrics.Compute(Trace([10, 30]), Trace([]), 0.1);
        var s = MetricSummary.From([a, b]);
        Assert.AreEqual((1 + b.Gamma) / 2, s.Gamma, 1e-12);
        Assert.AreEqual(0.5, s.SpikeF1, 1e-12);
        Assert.AreEqual(0.5, s.RateError, 1e-12, "|2 − 4| / 4");
        Assert.AreEqual(2, s.Traces);
    }

    /// <summary>A 100 ms trace at rest with a one-step 30 mV apex at each given time.</summary>
    private static double[] Trace(double[] spikeTimesMs)
    {
        var v = new double[1000];
        Array.Fill(v, -65.0);
        foreach (double t in spikeTimesMs)
        {
            v[(int)Math.Round(t / 0.1)] = 30;
        }
        return v;
    }
}
