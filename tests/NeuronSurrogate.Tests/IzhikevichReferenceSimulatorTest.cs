using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

/// <summary>
/// Known answers for the reference path. Where a number below is not analytic, it was derived by running the
/// model and is checked against the behaviour Izhikevich (2003, Fig. 2) describes for the preset; each test says which.
/// </summary>
[TestClass]
public sealed class IzhikevichReferenceSimulatorTest
{
    private static (double[] Voltages, double[] Recovery, List<double> SpikeTimesMs) Simulate(
        IzhikevichParameters parameters, Func<double, double> current, double durationMs, double dt = 0.1,
        IzhikevichIntegrator integrator = IzhikevichIntegrator.Euler, double v0 = IzhikevichModel.InitialVoltageMv)
    {
        int steps = (int)Math.Round(durationMs / dt);
        var currents = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            currents[t] = current(t * dt);
        }
        var voltages = new double[steps];
        var recovery = new double[steps];
        var options = new IzhikevichSimulationOptions { Parameters = parameters, TimeStepMs = dt, Integrator = integrator, InitialVoltageMv = v0 };
        Assert.AreEqual(-1, IzhikevichReferenceSimulator.Simulate(options, currents, voltages, recovery));
        var spikes = new List<double>();
        for (int t = 0; t < steps; t++)
        {
            if (voltages[t] == IzhikevichModel.PeakMv)
            {
                spikes.Add(t * dt);
            }
        }
        return (voltages, recovery, spikes);
    }

    private static List<double> Intervals(List<double> spikes) => spikes.Zip(spikes.Skip(1), (x, y) => y - x).ToList();

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_ZeroCurrentSettlesAtTheStableFixedPoint()
    {
        // With I = 0 and b = 0.2 the fixed points solve 0.04v² + 4.8v + 140 = 0: v = −70 (stable) and −50 (saddle).
        // Forward Euler keeps the fixed points, so from v0 = −65 the RS neuron relaxes to (−70, −14) without a spike.
        var (v, u, spikes) = Simulate(IzhikevichParameters.RegularSpiking, _ => 0, 1000);
        Assert.IsEmpty(spikes);
        Assert.AreEqual(-70, v[^1], 1e-6);
        Assert.AreEqual(-14, u[^1], 1e-6);
        Assert.AreEqual(-65, v[0]);
        Assert.AreEqual(-13, u[0]);
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_SpikeIsRecordedAsPeakThenReset()
    {
        var (v, u, spikes) = Simulate(IzhikevichParameters.RegularSpiking, _ => 10, 100);
        Assert.IsNotEmpty(spikes);
        for (int t = 0; t < v.Length - 1; t++)
        {
            Assert.IsTrue(v[t] <= 30, $"step {t}: {v[t]} above the peak");
            if (v[t] == 30)
            {
                // The reset c follows the recorded peak, and u jumps by d with no integration on the spike step.
                Assert.AreEqual(-65, v[t + 1]);
                Assert.AreEqual(u[t] + 8, u[t + 1], 1e-12);
            }
        }
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_AgreesExactlyWithAnIndependentImplementation()
    {
        foreach (var (name, p) in IzhikevichParameters.Presets)
        {
            foreach (bool halfStep in new[] { false, true })
            {
                foreach (var kind in new[] { StimulusKind.Gaussian, StimulusKind.Mixed, StimulusKind.OrnsteinUhlenbeck })
                {
                    for (int neuron = 0; neuron < 4; neuron++)
                    {
                        var currents = new double[3000];
                        StimulusGenerator.Fill(new StimulusOptions { Kind = kind }, 7, 1, neuron, 0.1, currents);
                        var (expected, expectedSpikes) = IndependentIzhikevich.Run(p.A, p.B, p.C, p.D, 0.1, currents, halfStep);
                        var actual = new double[currents.Length];
                        var options = new IzhikevichSimulationOptions
                        {
                            Parameters = p,
                            Integrator = halfStep ? IzhikevichIntegrator.HalfStep : IzhikevichIntegrator.Euler,
                        };
                        IzhikevichReferenceSimulator.Simulate(options, currents, actual);
                        var actualSpikes = Enumerable.Range(0, actual.Length).Where(t => actual[t] == 30).ToArray();
                        CollectionAssert.AreEqual(expectedSpikes, actualSpikes, $"{name} {kind} halfStep={halfStep} neuron {neuron}");
                        for (int t = 0; t < actual.Length; t++)
                        {
                            Assert.AreEqual(expected[t], actual[t], 1e-9, $"{name} {kind} halfStep={halfStep} step {t}");
                        }
                    }
                }
            }
        }
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_HalfStepAndEulerConvergeAsTheStepShrinks()
    {
        // Both integrators approximate the same ODE: at dt = 0.01 ms their spike times under a step current agree
        // within 0.15 ms over 300 ms, while at the paper's dt = 1 ms the half-step scheme is visibly coarser.
        var rs = IzhikevichParameters.RegularSpiking;
        var euler = Simulate(rs, _ => 10, 300, 0.01).SpikeTimesMs;
        var half = Simulate(rs, _ => 10, 300, 0.01, IzhikevichIntegrator.HalfStep).SpikeTimesMs;
        Assert.HasCount(euler.Count, half);
        for (int i = 0; i < euler.Count; i++)
        {
            Assert.AreEqual(euler[i], half[i], 0.15, $"spike {i}");
        }
        var coarse = Simulate(rs, _ => 10, 300, 1, IzhikevichIntegrator.HalfStep).SpikeTimesMs;
        Assert.IsGreaterThan(1.0, Math.Abs(coarse[^1] - euler[^1]));
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_RegularSpikingAdapts()
    {
        // RS under a step of 10 from 10 ms (300 ms): tonic spiking whose first interval (22.5 ms) is half the
        // steady one (45.2 ms): spike-frequency adaptation, then perfectly regular firing.
        var isi = Intervals(Simulate(IzhikevichParameters.RegularSpiking, t => t >= 10 ? 10 : 0, 300).SpikeTimesMs);
        Assert.HasCount(6, isi);
        Assert.AreEqual(22.5, isi[0], 0.15);
        foreach (double interval in isi.Skip(1))
        {
            Assert.AreEqual(45.2, interval, 0.15);
        }
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_IntrinsicallyBurstingStartsWithABurst()
    {
        // IB: an initial burst (3 spikes within 7.5 ms), then tonic spikes about 32 ms apart.
        var spikes = Simulate(IzhikevichParameters.IntrinsicallyBursting, t => t >= 10 ? 10 : 0, 300).SpikeTimesMs;
        var isi = Intervals(spikes);
        Assert.IsLessThan(7.5, spikes[2] - spikes[0]);
        foreach (double interval in isi.Skip(3))
        {
            Assert.AreEqual(31.7, interval, 0.15);
        }
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_ChatteringFiresRepeatedBursts()
    {
        // CH: bursts of closely spaced spikes (intervals under 6 ms) separated by pauses over 40 ms.
        var isi = Intervals(Simulate(IzhikevichParameters.Chattering, t => t >= 10 ? 10 : 0, 300).SpikeTimesMs);
        int pauses = isi.Count(i => i > 40);
        Assert.IsGreaterThanOrEqualTo(4, pauses);
        Assert.IsTrue(isi.All(i => i < 6 || i > 40), string.Join(" ", isi));
        Assert.IsGreaterThanOrEqualTo(3 * pauses, isi.Count(i => i < 6), "each burst has at least 4 spikes");
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_FastSpikingDoesNotAdapt()
    {
        // FS: over 120 Hz with a steady interval (7.7–7.9 ms) from the fourth spike on, i.e. no adaptation.
        var spikes = Simulate(IzhikevichParameters.FastSpiking, t => t >= 10 ? 10 : 0, 300).SpikeTimesMs;
        var steady = Intervals(spikes).Skip(3).ToList();
        Assert.IsGreaterThan(120.0, 1000 / steady.Average());
        Assert.IsLessThan(0.3, steady.Max() - steady.Min());
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_LowThresholdSpikingAdaptsAndRebounds()
    {
        var lts = IzhikevichParameters.LowThresholdSpiking;
        var isi = Intervals(Simulate(lts, t => t >= 10 ? 10 : 0, 300).SpikeTimesMs);
        Assert.IsLessThan(4.0, isi[0], "starts above 250 Hz");
        Assert.IsGreaterThan(3 * isi[0], isi[^1], "adapts by more than 3×");
        // Released from 100 ms of hyperpolarization (I = −10), it fires one rebound spike; RS does not.
        var rebound = Simulate(lts, t => t >= 10 && t < 110 ? -10 : 0, 300).SpikeTimesMs;
        Assert.HasCount(1, rebound);
        Assert.IsTrue(rebound[0] > 110 && rebound[0] < 125);
        Assert.IsEmpty(Simulate(IzhikevichParameters.RegularSpiking, t => t >= 10 && t < 110 ? -10 : 0, 300).SpikeTimesMs);
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_ThalamoCorticalFiresAReboundBurst()
    {
        // TC: after release from hyperpolarization, a rebound burst (3 spikes within 25 ms) and then silence.
        var spikes = Simulate(IzhikevichParameters.ThalamoCortical, t => t >= 10 && t < 110 ? -10 : 0, 300).SpikeTimesMs;
        Assert.HasCount(3, spikes);
        Assert.IsTrue(spikes[0] > 110 && spikes[^1] - spikes[0] < 25, string.Join(" ", spikes));
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_ResonatorOscillatesAtItsEigenfrequency()
    {
        // RZ (b = 0.26): at I = 0 the stable fixed point is v* = −62.5 mV, where 0.08v* + 5 = 0, so the Jacobian
        // is [[0, −1], [ab, −a]] with eigenvalues −0.05 ± 0.1533i: damped oscillations of period 2π/0.1533 = 41.0 ms.
        // Started at rest and kicked by a brief hyperpolarizing pulse, it rings at that period.
        var (v, _, spikes) = Simulate(IzhikevichParameters.Resonator, t => t >= 10 && t < 12 ? -5 : 0, 300, 0.01, v0: -62.5);
        Assert.IsEmpty(spikes);
        var upward = new List<double>();
        for (int t = 1; t < v.Length; t++)
        {
            if (v[t - 1] < -62.5 && v[t] >= -62.5)
            {
                upward.Add(t * 0.01);
            }
        }
        Assert.IsGreaterThanOrEqualTo(3, upward.Count);
        double period = 2 * Math.PI / Math.Sqrt(0.1 * 0.26 - 0.05 * 0.05);
        Assert.AreEqual(period, upward[2] - upward[1], 0.5);
        Assert.AreEqual(-62.5, v[^1], 1e-3);
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_RegularSpikingFrequencyCurveIsMonotonic()
    {
        int previous = -1;
        for (double current = 0; current <= 25; current += 0.25)
        {
            int count = Simulate(IzhikevichParameters.RegularSpiking, _ => current, 1000).SpikeTimesMs.Count;
            Assert.IsGreaterThanOrEqualTo(previous, count, $"I = {current}");
            previous = count;
        }
        Assert.AreEqual(56, previous, 1, "RS fires about 56 spikes in 1 s at I = 25");
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_RheobaseIsTheSaddleNodeAtFour()
    {
        // With b = 0.2 the fixed points solve 0.04v² + 4.8v + 140 + I = 0; they merge (saddle-node) where
        // 4.8² = 0.16(140 + I), at I = 4. Started at rest just below it the neuron stays silent; just above, the
        // rest state is gone and it fires tonically.
        static double Rest(double current) => (-4.8 - Math.Sqrt(4.8 * 4.8 - 0.16 * (140 + current))) / 0.08;
        var below = Simulate(IzhikevichParameters.RegularSpiking, _ => 3.99, 2000, v0: Rest(3.99)).SpikeTimesMs;
        Assert.IsEmpty(below);
        var above = Simulate(IzhikevichParameters.RegularSpiking, _ => 4.01, 2000, v0: Rest(4.0)).SpikeTimesMs;
        Assert.IsGreaterThan(5, above.Count(t => t > 1000), "tonic firing in the second second");
        // From the default start (v0 = −65, u0 = −13) currents up to 3.4 evoke nothing; the reset (c, u + d) lands
        // outside the rest state's basin from about I = 3.8 on, so tonic firing starts a little below the bifurcation.
        Assert.IsEmpty(Simulate(IzhikevichParameters.RegularSpiking, _ => 3.4, 2000).SpikeTimesMs);
        Assert.IsGreaterThan(5, Simulate(IzhikevichParameters.RegularSpiking, _ => 3.8, 2000).SpikeTimesMs.Count);
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_DivergenceIsReportedWithItsStep()
    {
        var currents = new double[100];
        currents[40] = -1e308; // v ≈ −1e307 at step 41; 0.04v² overflows to +∞ at step 42.
        var voltages = new double[100];
        int step = IzhikevichReferenceSimulator.Simulate(new IzhikevichSimulationOptions(), currents, voltages);
        Assert.AreEqual(42, step);
        currents[40] = 0;
        Assert.AreEqual(-1, IzhikevichReferenceSimulator.Simulate(new IzhikevichSimulationOptions(), currents, voltages));
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_RejectsBadOptions()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IzhikevichSimulationOptions { TimeStepMs = 0 }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IzhikevichSimulationOptions { TimeStepMs = double.NaN }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IzhikevichSimulationOptions { Parameters = new(double.NaN, 0.2, -65, 8) }.Validate());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IzhikevichSimulationOptions { Parameters = new(0.02, 0.2, 35, 8) }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => IzhikevichReferenceSimulator.Simulate(new IzhikevichSimulationOptions(), new double[3], new double[2]));
    }

    [TestMethod]
    public void IzhikevichReferenceSimulatorTest_PresetsByName()
    {
        Assert.IsTrue(IzhikevichParameters.TryGetPreset("fs", out var fs));
        Assert.AreEqual(new IzhikevichParameters(0.1, 0.2, -65, 2), fs);
        Assert.AreEqual("TC", IzhikevichParameters.ThalamoCortical.Name);
        Assert.AreEqual("custom", new IzhikevichParameters(0.03, 0.2, -65, 8).Name);
        Assert.IsFalse(IzhikevichParameters.TryGetPreset("XX", out _));
        Assert.HasCount(7, IzhikevichParameters.Presets);
    }
}
