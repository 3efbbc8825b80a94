using System.Runtime.Intrinsics;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class HodgkinHuxleyTest
{
    private static readonly HodgkinHuxleySimulationOptions Neuron = new();

    /// <summary>100 ms at rest, then a step of <paramref name="amplitudeNa"/> for <paramref name="durationMs"/>; returns the spike times.</summary>
    private static double[] StepResponse(double amplitudeNa, double durationMs = 500, HodgkinHuxleySimulationOptions? options = null)
    {
        int rest = 1000, steps = rest + (int)Math.Round(durationMs / 0.1);
        var currents = new double[steps];
        currents.AsSpan(rest).Fill(amplitudeNa);
        var voltages = new double[steps];
        Assert.AreEqual(-1, HodgkinHuxleyReferenceSimulator.Simulate(options ?? Neuron, 0.1, currents, voltages));
        return [.. Enumerable.Range(1, steps - 1).Where(k => voltages[k - 1] < 0 && voltages[k] >= 0).Select(k => k * 0.1)];
    }

    [TestMethod]
    public void HodgkinHuxleyTest_RheobaseOfALongStepIsNear28Picoamperes()
    {
        // DESIGN section 8: rheobase for a 500 ms step ≈ 0.028 nA, one spike.
        Assert.IsEmpty(StepResponse(0.026));
        Assert.HasCount(1, StepResponse(0.030));
        Assert.HasCount(1, StepResponse(0.070), "class II: one onset spike below the repetitive threshold");
    }

    [TestMethod]
    public void HodgkinHuxleyTest_RepetitiveFiringStartsNear78PicoamperesAboveFortyNineHertz()
    {
        // Class II onset (Hodgkin 1948; DESIGN section 8): repetitive firing from ≈ 0.078 nA at ≥ ~49 Hz.
        Assert.IsLessThanOrEqualTo(2, StepResponse(0.074).Length);
        var spikes = StepResponse(0.080);
        Assert.IsGreaterThanOrEqualTo(20, spikes.Length);
        double rate = 1000 / ((spikes[^1] - spikes[1]) / (spikes.Length - 2));
        Assert.IsGreaterThanOrEqualTo(49, rate, $"steady rate {rate:F1} Hz");
        Assert.IsLessThan(60, rate, $"steady rate {rate:F1} Hz");
    }

    [TestMethod]
    public void HodgkinHuxleyTest_RestsNearMinusSixtyFiveAndRungeKuttaAgreesOnSpikeTimes()
    {
        var neuron = StepResponse(0.1, 200);
        var rk4 = StepResponse(0.1, 200, new HodgkinHuxleySimulationOptions { Integrator = HodgkinHuxleyIntegrator.RungeKutta4 });
        Assert.HasCount(neuron.Length, rk4);
        for (int i = 0; i < neuron.Length; i++)
        {
            // Two first-order-accurate schemes apart: NEURON's own dt 0.025 spike times are 0.18 ms from a dt 0.001 reference.
            Assert.AreEqual(neuron[i], rk4[i], 0.5, $"spike {i}");
        }
        var v = new double[2000];
        HodgkinHuxleyReferenceSimulator.Simulate(Neuron, 0.1, new double[2000], v);
        Assert.AreEqual(-65, v[^1], 0.1, "the HH cell at 6.3 °C rests within 0.1 mV of −65 mV");
    }

    [TestMethod]
    [DataRow(HodgkinHuxleyIntegrator.Neuron)]
    [DataRow(HodgkinHuxleyIntegrator.RungeKutta4)]
    public void HodgkinHuxleyTest_FastPathEqualsReferenceBitForBit(HodgkinHuxleyIntegrator integrator)
    {
        var options = new HodgkinHuxleySimulationOptions { Integrator = integrator };
        // 11 traces: one full block of 8 and a short block of 3; mixed stimuli spanning silence to fast firing.
        const int traces = 11, steps = 3000;
        var currents = new double[traces * steps];
        var stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = HodgkinHuxleyNeuron.MixedMaxCurrentNa };
        for (int t = 0; t < traces; t++)
        {
            StimulusGenerator.Fill(stimulus, 7, t, 0, 0.1, currents.AsSpan(t * steps, steps));
        }
        var fast = new double[currents.Length];
        Assert.IsEmpty(HodgkinHuxleyBatchSimulator.SimulateTraceMajor(options, 0.1, currents, fast, traces, maxDegreeOfParallelism: 2));
        var reference = new double[steps];
        int spikes = 0;
        for (int t = 0; t < traces; t++)
        {
            HodgkinHuxleyReferenceSimulator.Simulate(options, 0.1, currents.AsSpan(t * steps, steps), reference);
            CollectionAssert.AreEqual(reference, fast[(t * steps)..((t + 1) * steps)], $"trace {t}");
            spikes += SpikeFlags.Count(SpikeRecording.UpwardZeroCrossing, reference);
        }
        Assert.IsGreaterThan(50, spikes, "the traces fire");
    }

    [TestMethod]
    public void HodgkinHuxleyTest_DivergenceIsReportedWithItsStep()
    {
        const int steps = 50;
        var currents = new double[2 * steps];
        currents[steps + 10] = double.NaN;
        var voltages = new double[currents.Length];
        var divergences = HodgkinHuxleyBatchSimulator.SimulateTraceMajor(Neuron, 0.1, currents, voltages, 2);
        Assert.HasCount(1, divergences);
        Assert.AreEqual(new TraceDivergence(1, 11), divergences[0], "current 10 first shows in voltage 11");
    }

    [TestMethod]
    public void HodgkinHuxleyTest_GeneratedDatasetMarksUpwardZeroCrossings()
    {
        var model = new HodgkinHuxleyNeuron(Neuron);
        var batch = DatasetGenerator.Generate(new DatasetOptions { Neuron = model, Runs = 2, NeuronsPerRun = 2, Steps = 2000, Stimulus = model.DefaultStimulus });
        Assert.AreEqual(SpikeRecording.UpwardZeroCrossing, batch.Spikes);
        Assert.IsGreaterThan(0, SpikeFlags.Count(batch.Spikes, batch.Trace(batch.VoltagesMv, 0)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DatasetOptions { Neuron = model, IncludeRecovery = true }.Validate());
    }

    [TestMethod]
    public void HodgkinHuxleyTest_PortableExpIsWithinTwoUlpOfMathExpAndVectorEqualsScalar()
    {
        var random = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            double x = i < 10000 ? random.NextDouble() * 80 - 40 : random.NextDouble() * 1400 - 700;
            double expected = Math.Exp(x), actual = PortableExp.Exp(x);
            Assert.IsLessThanOrEqualTo(2 * Math.BitIncrement(expected) - 2 * expected, Math.Abs(actual - expected), $"x = {x:R}");
        }
        double[] specials = [0, -0.0, 1e-300, 709.7, 709.8, 1000, -708, -1000, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.5 * Math.Log(2), -0.5 * Math.Log(2)];
        for (int i = 0; i < specials.Length; i += 8)
        {
            var lanes = new double[8];
            specials.AsSpan(i, Math.Min(8, specials.Length - i)).CopyTo(lanes);
            var vector = PortableExp.Exp(Vector512.Create(lanes));
            for (int l = 0; l < 8; l++)
            {
                Assert.AreEqual(PortableExp.Exp(lanes[l]), vector[l], $"lane {l}: x = {lanes[l]:R}");
            }
        }
        Assert.AreEqual(double.PositiveInfinity, PortableExp.Exp(800));
        Assert.IsTrue(double.IsNaN(PortableExp.Exp(double.NaN)));
        Assert.AreEqual(1.0, PortableExp.Exp(0));
    }
}
