using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class StimulusLibraryTest
{
    [TestMethod]
    public void StimulusLibraryTest_HodgkinHuxleyLandmarksAreItsKnownOnes()
    {
        var hh = new HodgkinHuxleyNeuron(new HodgkinHuxleySimulationOptions());
        var landmarks = NeuronLandmarks.Measure(hh, hh.MixedMaxCurrent);
        // DESIGN section 8: rheobase of a 500 ms step ≈ 0.028 nA, repetitive firing from ≈ 0.078 nA.
        Assert.AreEqual(0.028, landmarks.Rheobase, 0.001);
        Assert.AreEqual(0.078, landmarks.TonicOnset, 0.002);
        Assert.IsTrue(landmarks.Block > 0.3 && landmarks.Block < 2, $"block {landmarks.Block}");
        Assert.AreEqual(landmarks.Block, landmarks.Top);
        // The Izhikevich RS neuron never blocks: its library tops out at its own mixed range.
        var rs = NeuronLandmarks.Measure(new IzhikevichNeuron(new IzhikevichSimulationOptions()), 25);
        Assert.IsTrue(double.IsNaN(rs.Block));
        Assert.AreEqual(25, rs.Top, 1e-9);
    }

    [TestMethod]
    public void StimulusLibraryTest_EveryFamilyIsDrawnWithinTheLandmarksRange()
    {
        var landmarks = new NeuronLandmarks { Rheobase = 0.03, TonicOnset = 0.08, Block = 0.8, SearchedUpTo = 6 };
        var options = new StimulusOptions { Kind = StimulusKind.Library, Landmarks = landmarks }.Validate();
        var currents = new double[10_000];
        var again = new double[10_000];
        bool negative = false, beyondTonic = false;
        for (int trace = 0; trace < 60; trace++)
        {
            StimulusGenerator.Fill(options, 9, trace, 0, 0.1, currents);
            StimulusGenerator.Fill(options, 9, trace, 0, 0.1, again);
            CollectionAssert.AreEqual(currents, again, "seeded per trace");
            negative |= currents.Min() < -0.1;
            beyondTonic |= currents.Max() > 0.3;
        }
        Assert.IsTrue(negative && beyondTonic, "hyperpolarizing and strongly depolarizing currents both appear");
        foreach (var family in Enum.GetValues<LibraryFamily>().Where(f => f is not LibraryFamily.Noise and not LibraryFamily.NoisyStepTrain and not LibraryFamily.Mixed))
        {
            for (int trace = 0; trace < 20; trace++)
            {
                var random = new TraceRandom(3, trace, (int)family);
                LibraryStimulus.Fill(family, landmarks, 0.3, ref random, 0.1, currents);
                Assert.IsTrue(currents.Min() >= landmarks.Bottom - 1e-12 && currents.Max() <= landmarks.Top + 1e-12, $"{family}: {currents.Min()} to {currents.Max()}");
            }
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StimulusOptions { Kind = StimulusKind.Library }.Validate());
    }
}
