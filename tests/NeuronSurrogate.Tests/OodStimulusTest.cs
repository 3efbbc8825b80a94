using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class OodStimulusTest
{
    [TestMethod]
    public void OodStimulusTest_FamiliesAreSeededBoundedAndLeaveTheTrainingRange()
    {
        const int steps = 10_000;
        const double scale = 2.0;
        foreach (var family in Enum.GetValues<OodFamily>())
        {
            var a = new double[steps];
            var b = new double[steps];
            var other = new double[steps];
            OodStimulus.Fill(family, scale, 7, 3, 0.1, a);
            OodStimulus.Fill(family, scale, 7, 3, 0.1, b);
            OodStimulus.Fill(family, scale, 7, 4, 0.1, other);
            CollectionAssert.AreEqual(a, b, $"{family}: the same arguments, the same currents");
            Assert.IsTrue(a.All(double.IsFinite), family.ToString());
            Assert.IsTrue(a.All(x => Math.Abs(x) <= 2 * scale), $"{family}: within ±2× the training maximum");
            Assert.IsFalse(a.SequenceEqual(other), $"{family}: another trace draws other parameters");
        }
        // The families that exist to go below zero do.
        foreach (var family in new[] { OodFamily.HyperpolarizeThenStep, OodFamily.HyperpolarizingPulses, OodFamily.RampFromNegative, OodFamily.SquareWave })
        {
            var currents = new double[steps];
            OodStimulus.Fill(family, scale, 7, 0, 0.1, currents);
            Assert.IsLessThan(0, currents.Min(), family.ToString());
        }
        // The chirp sweeps: more zero crossings of (I − offset) in its last 100 ms than in its first.
        var chirp = new double[steps];
        OodStimulus.Fill(OodFamily.Chirp, scale, 7, 0, 0.1, chirp);
        double mean = chirp.Average();
        int Crossings(int from, int to) => Enumerable.Range(from + 1, to - from - 1).Count(t => (chirp[t - 1] - mean) * (chirp[t] - mean) < 0);
        Assert.IsGreaterThan(Crossings(0, 1000) + 3, Crossings(steps - 1000, steps));
    }

    [TestMethod]
    public void OodStimulusTest_ShotNoiseIsSeededFluctuatesAndGoesBelowZero()
    {
        const double scale = 2.0;
        var a = new double[100_000];
        var b = new double[a.Length];
        var other = new double[a.Length];
        OodStimulus.FillShotNoise(scale, 7, 3, 0.1, a);
        OodStimulus.FillShotNoise(scale, 7, 3, 0.1, b);
        OodStimulus.FillShotNoise(scale, 7, 4, 0.1, other);
        CollectionAssert.AreEqual(a, b);
        Assert.IsFalse(a.SequenceEqual(other));
        for (int trace = 0; trace < 4; trace++)
        {
            OodStimulus.FillShotNoise(scale, 7, trace, 0.1, a);
            // 10 s of it: the mean and the spread land in the stated ranges (0.2–0.7 and 0.25–0.45 × scale, with the
            // sampling error of 10 s of a process correlated over ~10 ms), and the current goes below zero.
            double mean = a.Average(), sd = Math.Sqrt(a.Average(x => (x - mean) * (x - mean)));
            Assert.IsTrue(mean is > 0.15 * scale and < 0.75 * scale, $"trace {trace}: mean {mean}");
            Assert.IsTrue(sd is > 0.2 * scale and < 0.5 * scale, $"trace {trace}: sd {sd}");
            Assert.IsLessThan(0, a.Min(), $"trace {trace}");
            // Fluctuating: the current changes sign of its slope many times a second.
            int turns = Enumerable.Range(2, a.Length - 2).Count(t => (a[t] - a[t - 1]) * (a[t - 1] - a[t - 2]) < 0);
            Assert.IsGreaterThan(1000, turns, $"trace {trace}");
        }
    }
}

[TestClass]
public sealed class OodSuiteTest
{
    [TestMethod]
    public void OodSuiteTest_ScoresAShippedModelPerFamilyAndLengthBesideTheCoarseSimulator()
    {
        var hh = new Simulation.HodgkinHuxleyNeuron(new Simulation.HodgkinHuxleySimulationOptions());
        var coarse = Inference.OodSuite.Coarse(hh);
        Assert.AreEqual(0.05, ((Simulation.HodgkinHuxleyNeuron)coarse!).Options.SolverStepMs, 1e-12);
        Assert.IsNull(Inference.OodSuite.Coarse(new Simulation.IzhikevichNeuron(new Simulation.IzhikevichSimulationOptions())),
            "Izhikevich's data is defined by its step: no coarser simulator to compare");
        using var model = Inference.SurrogateModel.Open(TestPaths.Model("hh_latent.onnx"));
        var result = Inference.OodSuite.Run(model, hh, coarse, traces: 1);
        CollectionAssert.AreEqual(Enum.GetValues<OodFamily>(), result.Families.Select(f => f.Family).ToArray());
        foreach (var f in result.Families)
        {
            Assert.HasCount(3, f.Surrogate, f.Family.ToString());
            Assert.IsTrue(f.Surrogate.All(m => m.Gamma is >= -1 - 1e-12 and <= 1 + 1e-12), // a perfect match is 1 to within rounding
                $"{f.Family}: {string.Join(", ", f.Surrogate.Select(m => m.Gamma))}");
            Assert.HasCount(3, f.Yardstick!);
        }
        // The simulator at twice its step is scored against the simulator the same way (measured on 6 traces per family: 0.76;
        // the model retrained on the stimulus library 0.764, its predecessor 0.27).
        Assert.IsTrue(result.YardstickGamma![^1] is > 0.3 and <= 1 + 1e-12, $"{result.YardstickGamma[^1]}");
        Assert.IsTrue(result.Gamma[^1] is > 0.3 and <= 1 + 1e-12, $"the shipped model on the suite: {result.Gamma[^1]}");
        // The validation part draws other traces of the same families.
        var validation = Inference.OodSuite.Run(model, hh, null, traces: 1, seed: Inference.OodSuite.ValidationSeed);
        Assert.IsNull(validation.YardstickGamma);
        Assert.AreNotEqual(result.Families[0].Surrogate[^1].Gamma, validation.Families[0].Surrogate[^1].Gamma);
        var test = new double[10_000];
        var other = new double[10_000];
        OodStimulus.Fill(OodFamily.Sine, 0.3, Inference.OodSuite.Seed, 0, 0.1, test);
        OodStimulus.Fill(OodFamily.Sine, 0.3, Inference.OodSuite.ValidationSeed, 0, 0.1, other);
        CollectionAssert.AreNotEqual(test, other);
    }

    [TestMethod]
    public void OodSuiteTest_NegativeCurrentsHeldGiveNoSpikesAndHhFiresOnRelease()
    {
        var hh = new Simulation.HodgkinHuxleyNeuron(new Simulation.HodgkinHuxleySimulationOptions());
        using var model = Inference.SurrogateModel.Open(TestPaths.Model("hh_latent.onnx"));
        var levels = Inference.OodSuite.RunNegative(model, hh);
        Assert.HasCount(Inference.OodSuite.NegativeLevels.Count, levels);
        Assert.IsTrue(levels.All(l => l.Current < 0));
        // A held hyperpolarizing current never fires HH; releasing a strong one does (anode break: measured, 1 spike
        // from 0.06 nA down).
        Assert.IsTrue(levels.All(l => l.HeldTrue == 0), string.Join(", ", levels));
        Assert.IsGreaterThan(0, levels[^1].ReleasedTrue, string.Join(", ", levels));
        Assert.AreEqual(levels.All(l => Math.Abs(l.HeldModel - l.HeldTrue) <= 2 && Math.Abs(l.ReleasedModel - l.ReleasedTrue) <= 2),
            levels.All(l => l.WithinTolerance));
    }
}
