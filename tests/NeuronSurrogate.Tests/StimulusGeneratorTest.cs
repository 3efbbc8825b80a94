using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class StimulusGeneratorTest
{
    private static double[] Fill(StimulusOptions options, int steps, long run = 0, long neuron = 0, long seed = 42, double dt = 0.1)
    {
        var currents = new double[steps];
        StimulusGenerator.Fill(options.Validate(), seed, run, neuron, dt, currents);
        return currents;
    }

    private static (double Mean, double Sd) Moments(double[] x)
    {
        double mean = x.Average();
        return (mean, Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)));
    }

    [TestMethod]
    public void StimulusGeneratorTest_GaussianHasItsMoments()
    {
        // 200 000 samples: the standard error of the mean is 5/√200000 ≈ 0.011, of the s.d. about 0.008.
        var (mean, sd) = Moments(Fill(new StimulusOptions(), 200_000));
        Assert.AreEqual(10, mean, 0.05);
        Assert.AreEqual(5, sd, 0.04);
    }

    [TestMethod]
    public void StimulusGeneratorTest_OrnsteinUhlenbeckHasItsMomentsAndCorrelationTime()
    {
        // τ = 2 ms at dt = 0.1 ms: the lag-20 autocorrelation is e^(−1) ≈ 0.368. 2 000 000 steps = 100 000 τ.
        var options = new StimulusOptions { Kind = StimulusKind.OrnsteinUhlenbeck, MeanCurrent = 12, StandardDeviation = 3, TimeConstantMs = 2 };
        var x = Fill(options, 2_000_000);
        var (mean, sd) = Moments(x);
        Assert.AreEqual(12, mean, 0.05);
        Assert.AreEqual(3, sd, 0.05);
        double covariance = 0;
        for (int t = 20; t < x.Length; t++)
        {
            covariance += (x[t] - mean) * (x[t - 20] - mean);
        }
        Assert.AreEqual(Math.Exp(-1), covariance / (x.Length - 20) / (sd * sd), 0.02);
    }

    [TestMethod]
    public void StimulusGeneratorTest_DeterministicShapes()
    {
        var step = Fill(new StimulusOptions { Kind = StimulusKind.Step, BaselineCurrent = 1, Amplitude = 7, OnsetMs = 1, OffsetMs = 2 }, 30);
        CollectionAssert.AreEqual(Enumerable.Repeat(1.0, 10).Concat(Enumerable.Repeat(7.0, 10)).Concat(Enumerable.Repeat(1.0, 10)).ToArray(), step);

        var ramp = Fill(new StimulusOptions { Kind = StimulusKind.Ramp, BaselineCurrent = 0, Amplitude = 10 }, 11, dt: 1);
        for (int t = 0; t < ramp.Length; t++)
        {
            Assert.AreEqual(Math.Min(10, t * 10 / 11.0), ramp[t], 1e-12, $"ramp step {t}");
        }

        var pulses = Fill(new StimulusOptions { Kind = StimulusKind.Pulses, Amplitude = 5, PulseWidthMs = 2, PulsePeriodMs = 5, OnsetMs = 1 }, 12, dt: 1);
        CollectionAssert.AreEqual(new double[] { 0, 5, 5, 0, 0, 0, 5, 5, 0, 0, 0, 5 }, pulses);
    }

    [TestMethod]
    public void StimulusGeneratorTest_EachTraceHasItsOwnReproducibleStream()
    {
        var first = Fill(new StimulusOptions(), 100, run: 3, neuron: 2);
        CollectionAssert.AreEqual(first, Fill(new StimulusOptions(), 100, run: 3, neuron: 2));
        CollectionAssert.AreNotEqual(first, Fill(new StimulusOptions(), 100, run: 2, neuron: 3));
        CollectionAssert.AreNotEqual(first, Fill(new StimulusOptions(), 100, run: 3, neuron: 2, seed: 43));
    }

    [TestMethod]
    public void StimulusGeneratorTest_MixedDrawsEveryFamilyWithinRange()
    {
        var distinct = new HashSet<string>();
        for (int neuron = 0; neuron < 200; neuron++)
        {
            var x = Fill(new StimulusOptions { Kind = StimulusKind.Mixed }, 1000, neuron: neuron);
            Assert.IsTrue(x.All(double.IsFinite));
            // Shape signature: constant pieces (step, pulses), smooth (ramp), noisy (gaussian, ou).
            int levels = x.Distinct().Count();
            bool monotonic = x.Zip(x.Skip(1), (a, b) => b - a).All(d => d >= 0) || x.Zip(x.Skip(1), (a, b) => b - a).All(d => d <= 0);
            distinct.Add(levels <= 3 ? "piecewise" : monotonic ? "ramp" : "noisy");
        }
        Assert.HasCount(3, distinct);
    }

    [TestMethod]
    public void StimulusGeneratorTest_RejectsBadOptions()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { StandardDeviation = -1 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { TimeConstantMs = 0 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { MeanCurrent = double.NaN }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { OnsetMs = 5, OffsetMs = 4 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { PulsePeriodMs = double.PositiveInfinity }.Validate());
    }
}
