using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class IzhikevichBatchSimulatorTest
{
    private static double[] Currents(int traces, int steps, StimulusKind kind, long seed = 42)
    {
        var currents = new double[traces * steps];
        for (int trace = 0; trace < traces; trace++)
        {
            StimulusGenerator.Fill(new StimulusOptions { Kind = kind }, seed, trace / 5, trace % 5, 0.1, currents.AsSpan(trace * steps, steps));
        }
        return currents;
    }

    private static double[] Reference(IzhikevichSimulationOptions options, double[] currents, int traces, double[]? recovery = null)
    {
        int steps = currents.Length / traces;
        var voltages = new double[currents.Length];
        for (int trace = 0; trace < traces; trace++)
        {
            IzhikevichReferenceSimulator.Simulate(options, currents.AsSpan(trace * steps, steps), voltages.AsSpan(trace * steps, steps),
                recovery is null ? default : recovery.AsSpan(trace * steps, steps));
        }
        return voltages;
    }

    private static double[] Transpose(double[] values, int rows)
    {
        int columns = values.Length / rows;
        var result = new double[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_TraceMajorEqualsReferenceOnTheDefaultDataset()
    {
        // The default dataset: 1500 traces × 1000 steps. Same operations in the same order: bit-identical output.
        const int traces = 1500, steps = 1000;
        var options = new IzhikevichSimulationOptions();
        var currents = Currents(traces, steps, StimulusKind.Gaussian);
        var expected = Reference(options, currents, traces);
        var actual = new double[currents.Length];
        var divergences = IzhikevichBatchSimulator.SimulateTraceMajor(options, currents, actual, traces);
        Assert.IsEmpty(divergences);
        CollectionAssert.AreEqual(expected, actual);
        int spikes = actual.Count(v => v == IzhikevichModel.PeakMv);
        Assert.AreEqual(spikes, expected.Count(v => v == IzhikevichModel.PeakMv));
        Assert.IsGreaterThan(4000, spikes, "about three spikes per 100 ms trace");
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_BothLayoutsAndIntegratorsEqualReference()
    {
        // 77 traces: one full tile, a padded short tile, and lanes left over after the last full vector.
        foreach (int traces in new[] { 1, 7, 77 })
        {
            foreach (var integrator in new[] { IzhikevichIntegrator.Euler, IzhikevichIntegrator.HalfStep })
            {
                foreach (var (name, parameters) in IzhikevichParameters.Presets)
                {
                    const int steps = 300;
                    var options = new IzhikevichSimulationOptions { Parameters = parameters, Integrator = integrator };
                    var currents = Currents(traces, steps, StimulusKind.Mixed, seed: traces);
                    var expectedRecovery = new double[currents.Length];
                    var expected = Reference(options, currents, traces, expectedRecovery);

                    var traceMajor = new double[currents.Length];
                    var traceMajorRecovery = new double[currents.Length];
                    IzhikevichBatchSimulator.SimulateTraceMajor(options, currents, traceMajor, traces, traceMajorRecovery);
                    CollectionAssert.AreEqual(expected, traceMajor, $"trace-major {name} {integrator} {traces}");
                    CollectionAssert.AreEqual(expectedRecovery, traceMajorRecovery, $"trace-major recovery {name} {integrator} {traces}");

                    var timeMajor = new double[currents.Length];
                    var timeMajorRecovery = new double[currents.Length];
                    IzhikevichBatchSimulator.SimulateTimeMajor(options, Transpose(currents, traces), timeMajor, traces, timeMajorRecovery, maxDegreeOfParallelism: 1);
                    CollectionAssert.AreEqual(expected, Transpose(timeMajor, steps), $"time-major {name} {integrator} {traces}");
                    CollectionAssert.AreEqual(expectedRecovery, Transpose(timeMajorRecovery, steps), $"time-major recovery {name} {integrator} {traces}");
                }
            }
        }
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_TimeMajorAcrossBlocksAndThreads()
    {
        // On 3 threads: blocks of 256, 256 and 91 traces (the last one short, with 3 traces past its 8-lane vectors); on
        // the default thread count, whatever blocks this machine gets.
        const int traces = 603, steps = 200;
        var options = new IzhikevichSimulationOptions();
        var currents = Currents(traces, steps, StimulusKind.Gaussian);
        var expected = Reference(options, currents, traces);
        foreach (int threads in new[] { 3, 0 })
        {
            var actual = new double[currents.Length];
            IzhikevichBatchSimulator.SimulateTimeMajor(options, Transpose(currents, traces), actual, traces, maxDegreeOfParallelism: threads);
            CollectionAssert.AreEqual(expected, Transpose(actual, steps), $"threads {threads}");
        }
        // A divergence in the last block is found there and reported with its trace and step.
        currents[600 * steps + 50] = -1e308;
        var divergences = IzhikevichBatchSimulator.SimulateTimeMajor(options, Transpose(currents, traces), new double[currents.Length], traces, maxDegreeOfParallelism: 3);
        CollectionAssert.AreEqual(new[] { new TraceDivergence(600, 52) }, divergences.ToArray());
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_DivergenceIsReportedPerTraceAfterTheLoop()
    {
        const int traces = 100, steps = 100;
        var currents = Currents(traces, steps, StimulusKind.Gaussian);
        currents[37 * steps + 40] = -1e308; // trace 37 overflows two steps later (see the reference test)
        currents[90 * steps + 10] = -1e308;
        var voltages = new double[currents.Length];
        var divergences = IzhikevichBatchSimulator.SimulateTraceMajor(new IzhikevichSimulationOptions(), currents, voltages, traces);
        CollectionAssert.AreEqual(new[] { new TraceDivergence(37, 42), new TraceDivergence(90, 12) }, divergences.ToArray());
        var timeMajor = new double[currents.Length];
        divergences = IzhikevichBatchSimulator.SimulateTimeMajor(new IzhikevichSimulationOptions(), Transpose(currents, traces), timeMajor, traces);
        CollectionAssert.AreEqual(new[] { new TraceDivergence(37, 42), new TraceDivergence(90, 12) }, divergences.ToArray());
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_RejectsMismatchedBuffers()
    {
        var options = new IzhikevichSimulationOptions();
        Assert.ThrowsExactly<ArgumentException>(() => IzhikevichBatchSimulator.SimulateTraceMajor(options, new double[10], new double[9], 2));
        Assert.ThrowsExactly<ArgumentException>(() => IzhikevichBatchSimulator.SimulateTraceMajor(options, new double[10], new double[10], 3));
        Assert.ThrowsExactly<ArgumentException>(() => IzhikevichBatchSimulator.SimulateTimeMajor(options, new double[10], new double[10], 2, new double[4]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => IzhikevichBatchSimulator.SimulateTimeMajor(options, new double[10], new double[10], 0));
    }

    [TestMethod]
    public void IzhikevichBatchSimulatorTest_GeneratorUsesTheFastPathWithReferenceResults()
    {
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = 4, NeuronsPerRun = 3, Steps = 500, IncludeRecovery = true });
        var recovery = new double[batch.Currents.Length];
        CollectionAssert.AreEqual(Reference(new IzhikevichSimulationOptions(), batch.Currents, batch.TraceCount, recovery), batch.VoltagesMv);
        CollectionAssert.AreEqual(recovery, batch.Recovery);
    }
}
