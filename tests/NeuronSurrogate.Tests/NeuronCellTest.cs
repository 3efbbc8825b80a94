using System.Diagnostics;
using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

/// <summary>
/// NEURON as the simulator, and the managed Hodgkin–Huxley neuron against NEURON. These need NEURON (Debian's
/// python3-neuron, which .ci/run installs); where it is missing they are inconclusive and say why.
/// </summary>
[TestClass]
[TestCategory("Neuron")]
public sealed class NeuronCellTest
{
    private static readonly string HhCell = TestPaths.Cell("hh.py");
    private static readonly string PyramidCell = TestPaths.Cell("pyramid.py");

    private static NeuronCellModel LoadOrSkip(string cell, NeuronCellOptions? options = null)
    {
        try
        {
            return NeuronCellModel.Load(cell, options);
        }
        catch (SimulatorException e) when (e.Message.Contains("not installed", StringComparison.Ordinal))
        {
            Assert.Inconclusive($"NEURON is missing here: {e.Message}");
            throw;
        }
    }

    private static double[] MixedCurrents(int traces, int steps, double maxNa, long seed, int input = 0)
    {
        var currents = new double[traces * steps];
        var stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = maxNa };
        for (int t = 0; t < traces; t++)
        {
            StimulusGenerator.Fill(stimulus, seed, t, 0, 0.1, currents.AsSpan(t * steps, steps), input);
        }
        return currents;
    }

    /// <summary>Runs the cell file in NEURON without the project's driver (tests/…/Neuron/run_cell_directly.py).</summary>
    private static double[] RunDirectly(NeuronCellModel model, string cell, double[] currents, int traces, double[]? dendrite = null)
    {
        using var folder = new TempFolder();
        int steps = currents.Length / traces;
        string Lines(double[] values) => string.Join('\n', Enumerable.Range(0, traces).Select(t =>
            string.Join(' ', values.AsSpan(t * steps, steps).ToArray().Select(x => x.ToString("R", CultureInfo.InvariantCulture)))));
        string input = folder.Write("currents.txt", Lines(currents));
        string output = folder.File("voltages.txt");
        var info = new ProcessStartInfo(model.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Neuron", "run_cell_directly.py"));
        info.ArgumentList.Add(cell);
        info.ArgumentList.Add(input);
        info.ArgumentList.Add(output);
        if (dendrite is not null)
        {
            info.ArgumentList.Add(folder.Write("dend.txt", Lines(dendrite)));
        }
        info.Environment.Remove("DISPLAY");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(5)));
        _ = stdout.Result;
        Assert.AreEqual(0, process.ExitCode, error);
        return [.. File.ReadAllLines(output).SelectMany(l => l.Split(' ')).Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
    }

    private static double[] SpikeTimes(ReadOnlySpan<double> v)
    {
        var times = new List<double>();
        for (int k = 1; k < v.Length; k++)
        {
            if (v[k - 1] < 0 && v[k] >= 0)
            {
                // Linear interpolation of the crossing, for sub-step spike times.
                times.Add((k - 1 + v[k - 1] / (v[k - 1] - v[k])) * 0.1);
            }
        }
        return [.. times];
    }

    [TestMethod]
    public void NeuronCellTest_ManagedHodgkinHuxleyReproducesNeuronOverOneSecondOfMixedStimulus()
    {
        var neuron = LoadOrSkip(HhCell);
        const int traces = 6, steps = 10000;
        var currents = MixedCurrents(traces, steps, HodgkinHuxleyNeuron.MixedMaxCurrentNa, seed: 2026);
        var expected = RunDirectly(neuron, HhCell, currents, traces);
        var managed = new double[currents.Length];
        Assert.IsEmpty(HodgkinHuxleyBatchSimulator.SimulateTraceMajor(new HodgkinHuxleySimulationOptions(), 0.1, currents, managed, traces));
        int spikes = 0;
        for (int t = 0; t < traces; t++)
        {
            var truth = expected.AsSpan(t * steps, steps);
            var ours = managed.AsSpan(t * steps, steps);
            var trueSpikes = SpikeTimes(truth);
            var ourSpikes = SpikeTimes(ours);
            Assert.HasCount(trueSpikes.Length, ourSpikes, $"trace {t}: spike count");
            for (int i = 0; i < trueSpikes.Length; i++)
            {
                Assert.AreEqual(trueSpikes[i], ourSpikes[i], 0.1, $"trace {t}, spike {i}");
            }
            spikes += trueSpikes.Length;
            for (int k = 0; k < steps; k++)
            {
                double time = k * 0.1;
                if (trueSpikes.All(s => Math.Abs(s - time) > 2))
                {
                    Assert.AreEqual(truth[k], ours[k], 1.0, $"trace {t}, step {k} (away from spikes)");
                }
            }
        }
        Assert.IsGreaterThan(30, spikes, "the mixed stimulus makes the traces fire");
    }

    [TestMethod]
    public void NeuronCellTest_BridgeGivesTheTracesOfTheCellFileRunDirectly()
    {
        var pyramid = LoadOrSkip(PyramidCell, new NeuronCellOptions { Processes = 2 });
        CollectionAssert.AreEqual(new[] { TraceColumns.Current, TraceColumns.CurrentDend }, pyramid.CurrentColumns.ToArray());
        Assert.AreEqual(215, pyramid.Info.Segments, "d_lambda rule at 100 Hz, as fixnseg.hoc");
        Assert.AreEqual(79, pyramid.Info.Sections);
        const int traces = 3, steps = 1500;
        var batch = new TraceBatch(0, traces, 1, steps, 0.1, false, [TraceColumns.Current, TraceColumns.CurrentDend], SpikeRecording.UpwardZeroCrossing);
        MixedCurrents(traces, steps, pyramid.MixedMaxCurrent * 1.5, seed: 11).CopyTo(batch.Inputs[0], 0);
        MixedCurrents(traces, steps, pyramid.MixedMaxCurrent, seed: 11, input: 1).CopyTo(batch.Inputs[1], 0);
        Assert.IsEmpty(pyramid.Simulate(batch));
        var direct = RunDirectly(pyramid, PyramidCell, batch.Inputs[0], traces, batch.Inputs[1]);
        Assert.HasCount(direct.Length, batch.VoltagesMv);
        for (int i = 0; i < direct.Length; i++)
        {
            Assert.AreEqual(direct[i], batch.VoltagesMv[i], 1e-6, $"sample {i}");
        }
        Assert.AreEqual(-65, batch.VoltagesMv[0], 1e-9, "every trace starts at rest");
        Assert.IsGreaterThan(0, SpikeFlags.Count(SpikeRecording.UpwardZeroCrossing, batch.VoltagesMv), "the pyramidal cell fires");
    }

    [TestMethod]
    public void NeuronCellTest_GenerateIsTheSameFileForAnyProcessCountAndShards()
    {
        LoadOrSkip(HhCell);
        using var folder = new TempFolder();
        string[] common = ["generate", "--neuron", "neuron", "--cell", HhCell, "--runs", "4", "--neurons", "2", "--steps", "800", "--stimulus", "mixed"];
        string one = folder.File("one.csv"), two = folder.File("two.csv"), shard0 = folder.File("s0.csv"), shard1 = folder.File("s1.csv");
        foreach (var (args, path) in new[] { (new[] { "--processes", "1" }, one), (["--processes", "2"], two), (["--shard", "0/2"], shard0), (["--shard", "1/2"], shard1) })
        {
            var (code, _, error) = CliRunner.Run([.. common, .. args, "--out", path]);
            Assert.AreEqual(0, code, error);
        }
        CollectionAssert.AreEqual(File.ReadAllBytes(one), File.ReadAllBytes(two));
        var joined = File.ReadAllLines(shard0).Concat(File.ReadAllLines(shard1).Skip(1));
        CollectionAssert.AreEqual(File.ReadAllLines(one), joined.ToArray());

        // The same currents through the managed HH: the same spikes.
        string managed = folder.File("managed.csv");
        Assert.AreEqual(0, CliRunner.Run("simulate", "--neuron", "hh", "--input", one, "--output", managed).ExitCode);
        var neuronSpikes = File.ReadAllLines(one).Skip(1).Select(l => l.Split(',')[5]).ToArray();
        var managedSpikes = File.ReadAllLines(managed).Skip(1).Select(l => l.Split(',')[5]).ToArray();
        CollectionAssert.AreEqual(neuronSpikes, managedSpikes);
        Assert.Contains("1", neuronSpikes);
    }

    [TestMethod]
    public void NeuronCellTest_ReentrantCellRunsCopiesTogetherWithTheSameTraces()
    {
        var together = LoadOrSkip(HhCell, new NeuronCellOptions { Processes = 1 });
        Assert.IsTrue(together.Info.Reentrant);
        using var folder = new TempFolder();
        string single = folder.Write("hh_single.py", File.ReadAllText(HhCell).Replace("\"reentrant\": True", "\"reentrant\": False", StringComparison.Ordinal));
        var alone = NeuronCellModel.Load(single, new NeuronCellOptions { Processes = 1 });
        Assert.IsFalse(alone.Info.Reentrant);
        // 130 traces: one simulation of 100 copies, then one of 30 with 70 idle copies.
        TraceBatch Run(NeuronCellModel model)
        {
            var batch = new TraceBatch(0, 130, 1, 400, 0.1, false, null, SpikeRecording.UpwardZeroCrossing);
            MixedCurrents(130, 400, HodgkinHuxleyNeuron.MixedMaxCurrentNa, seed: 5).CopyTo(batch.Currents, 0);
            Assert.IsEmpty(model.Simulate(batch));
            return batch;
        }
        CollectionAssert.AreEqual(Run(alone).VoltagesMv, Run(together).VoltagesMv);
    }

    [TestMethod]
    public void NeuronCellTest_BadCellFilesAreOneLineExitTwo()
    {
        LoadOrSkip(HhCell);
        using var folder = new TempFolder();
        string input = folder.Write("in.csv", "run,neuron,time_ms,current\n0,0,0,0.1\n0,0,0.1,0.1\n");
        var cases = new (string Name, string Text, string Expected)[]
        {
            ("syntax.py", "def build(h):\n    soma = h.Section(\n", "SyntaxError"),
            ("nobuild.py", "x = 1\n", "expected a function build(h)"),
            ("raises.py", "def build(h):\n    s = h.Section(name='soma')\n    return s.nonexistent\n", "line 3"),
            ("norecord.py", "def build(h):\n    s = h.Section(name='soma')\n    return {'inject': {'current': s(0.5)}}\n", "'record'"),
            ("nocurrent.py", "def build(h):\n    s = h.Section(name='soma')\n    return {'inject': {'dend': s(0.5)}, 'record': s(0.5)}\n", "at least 'current'"),
        };
        foreach (var (name, text, expected) in cases)
        {
            string cell = folder.Write(name, text);
            var (code, _, error) = CliRunner.Run("simulate", "--neuron", "neuron", "--cell", cell, "--input", input, "--output", folder.File("out.csv"));
            Assert.AreEqual(2, code, $"{name}: {error}");
            StringAssert.StartsWith(error, $"error: {cell}: expected a NEURON cell file that loads", name);
            StringAssert.Contains(error, expected, name);
            Assert.HasCount(1, error.TrimEnd('\n').Split('\n'), error);
            Assert.IsFalse(File.Exists(folder.File("out.csv")));
        }
        var missing = CliRunner.Run("simulate", "--neuron", "neuron", "--cell", folder.File("absent.py"), "--input", input, "--output", folder.File("out.csv"));
        Assert.AreEqual(2, missing.ExitCode);
        StringAssert.Contains(missing.Error, "an existing NEURON cell file");
        var noCell = CliRunner.Run("simulate", "--neuron", "neuron", "--input", input, "--output", folder.File("out.csv"));
        Assert.AreEqual(2, noCell.ExitCode);
        StringAssert.Contains(noCell.Error, "expected --cell");
    }

    [TestMethod]
    public void NeuronCellTest_ProcessThatHangsOrDiesIsStoppedAndNamed()
    {
        LoadOrSkip(HhCell);
        using var folder = new TempFolder();
        string hangs = folder.Write("hangs.py", "import time\ndef build(h):\n    time.sleep(600)\n");
        var clock = Stopwatch.StartNew();
        var hung = Assert.ThrowsExactly<SimulatorException>(() => NeuronCellModel.Load(hangs, new NeuronCellOptions { TimeoutSeconds = 3 }));
        Assert.IsLessThan(60, clock.Elapsed.TotalSeconds);
        StringAssert.Contains(hung.Message, "did not finish within 3 s");
        StringAssert.Contains(hung.Message, hangs);

        // Loads fine, then dies while simulating: the shard is named and nothing is returned.
        string dies = folder.Write("dies.py", "import os, sys\ndef build(h):\n    s = h.Section(name='soma')\n    s.insert('hh')\n"
            + "    if sys.argv[1] == 'simulate':\n        os._exit(9)\n    return {'inject': {'current': s(0.5)}, 'record': s(0.5)}\n");
        var model = NeuronCellModel.Load(dies, new NeuronCellOptions { Processes = 2 });
        var batch = new TraceBatch(0, 4, 1, 100, 0.1, false, null, SpikeRecording.UpwardZeroCrossing);
        var died = Assert.ThrowsExactly<SimulatorException>(() => model.Simulate(batch));
        StringAssert.Contains(died.Message, "exit code 9");
        StringAssert.Contains(died.Message, "shard 1/2 (traces 0..1)");
    }

    [TestMethod]
    public void NeuronCellTest_MissingNeuronSaysHowToInstallIt()
    {
        var e = Assert.ThrowsExactly<SimulatorException>(() => NeuronCellModel.Load(HhCell, new NeuronCellOptions { Python = "/nonexistent/python3" }));
        StringAssert.Contains(e.Message, "apt-get install python3-neuron");
        StringAssert.Contains(e.Message, "pip install neuron");
    }
}
