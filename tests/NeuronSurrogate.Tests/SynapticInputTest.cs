using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Tests;

/// <summary>Synaptic input without NEURON: the input statistics and the input-events file.</summary>
[TestClass]
public sealed class SynapticInputTest
{
    private static SynapseInfo[] Table(int perKind, Func<int, double>? length = null) =>
    [
        .. Enumerable.Range(0, 2 * perKind).Select(i => new SynapseInfo
        {
            Id = i, Kind = i < perKind ? "excitatory" : "inhibitory", Section = "dend", X = 0.5,
            LengthUm = length?.Invoke(i % perKind) ?? 10,
        }),
    ];

    [TestMethod]
    public void SynapticInputTest_EventsAreSeededPerTraceSortedAndOnTheGrid()
    {
        var table = Table(50, i => 5 + i);
        var options = new SynapticInputOptions();
        var a = SynapticInputGenerator.Draw(options, table, 7, 3, 1, 5000, 0.1);
        var b = SynapticInputGenerator.Draw(options, table, 7, 3, 1, 5000, 0.1);
        var other = SynapticInputGenerator.Draw(options, table, 7, 4, 1, 5000, 0.1);
        CollectionAssert.AreEqual(a.Synapses, b.Synapses);
        CollectionAssert.AreEqual(a.TimesMs, b.TimesMs);
        Assert.IsTrue(a.Count > 100, $"{a.Count} events");
        CollectionAssert.AreNotEqual(a.TimesMs, other.TimesMs);
        for (int e = 0; e < a.Count; e++)
        {
            Assert.IsTrue(a.Synapses[e] is >= 0 and < 100);
            Assert.AreEqual(Math.Round(a.TimesMs[e] / 0.1), a.TimesMs[e] / 0.1, 1e-6, "on the 0.1 ms grid");
            Assert.IsTrue(a.TimesMs[e] is >= 0 and < 500);
            if (e > 0)
            {
                Assert.IsTrue(a.TimesMs[e] > a.TimesMs[e - 1] || (a.TimesMs[e] == a.TimesMs[e - 1] && a.Synapses[e] > a.Synapses[e - 1]), "sorted by time, then synapse");
            }
        }
        // A synapse's train depends on (seed, run, neuron, synapse) only: a table of other synapses after it leaves it alone.
        var longer = SynapticInputGenerator.Draw(options, [.. table.Take(50), .. Table(60, i => 5 + i).Skip(60)], 7, 3, 1, 5000, 0.1);
        Assert.AreEqual(string.Join(' ', Times(a, 0)), string.Join(' ', Times(longer, 0)));
    }

    private static IEnumerable<double> Times(TraceEvents events, int synapse) =>
        Enumerable.Range(0, events.Count).Where(e => events.Synapses[e] == synapse).Select(e => events.TimesMs[e]);

    [TestMethod]
    public void SynapticInputTest_CountsFollowTheRatesAndInhibitionTracksExcitation()
    {
        var options = new SynapticInputOptions { GainMin = 1, GainMax = 1 };
        var table = Table(400);
        var rates = SynapticInputGenerator.Rates(options, 11, 0, 0, 2000);
        Assert.AreEqual(2000, rates.Excitatory.Length);
        double offset = double.NaN;
        for (int t = 0; t < rates.Excitatory.Length; t++)
        {
            Assert.IsTrue(rates.Excitatory[t] is >= 0 and <= 45);
            Assert.IsTrue(rates.Inhibitory[t] >= 0);
            if (rates.Inhibitory[t] > 0)
            {
                double d = rates.Inhibitory[t] - rates.Excitatory[t];
                Assert.IsTrue(double.IsNaN(offset) || Math.Abs(d - offset) < 1e-9, "one offset per trace");
                Assert.IsTrue(Math.Abs(d) <= 10);
                offset = d;
            }
        }
        var events = SynapticInputGenerator.Draw(options, table, 11, 0, 0, 20_000, 0.1);
        int excitatory = events.Synapses.Count(s => s < 400), inhibitory = events.Count - excitatory;
        // Every synapse has gain 1 and the same length: expected count = synapses × Σ rate × dt.
        double expectedE = 400 * rates.Excitatory.Sum() * 1e-3, expectedI = 400 * rates.Inhibitory.Sum() * 1e-3;
        Assert.AreEqual(expectedE, excitatory, 4 * Math.Sqrt(expectedE) + 1, $"excitatory events: {excitatory} against {expectedE:F0}");
        Assert.AreEqual(expectedI, inhibitory, 4 * Math.Sqrt(expectedI) + 1, $"inhibitory events: {inhibitory} against {expectedI:F0}");
    }

    [TestMethod]
    public void SynapticInputTest_LongerSegmentsGetProportionallyMoreInput()
    {
        var options = new SynapticInputOptions { GainMin = 1, GainMax = 1 };
        // Half the excitatory synapses on 5 µm segments, half on 15 µm: a 1:3 ratio of events.
        var table = Table(200, i => i < 100 ? 5 : 15);
        long shortEvents = 0, longEvents = 0;
        for (int run = 0; run < 4; run++)
        {
            var events = SynapticInputGenerator.Draw(options, table, 5, run, 0, 20_000, 0.1);
            shortEvents += events.Synapses.Count(s => s < 100);
            longEvents += events.Synapses.Count(s => s is >= 100 and < 200);
        }
        Assert.AreEqual(3.0, longEvents / (double)shortEvents, 0.1);
    }

    [TestMethod]
    public void SynapticInputTest_TheLookupHandsOutEachTracesEventsUpToItsLastStep()
    {
        // simulate --events and predict --events share this lookup: one boundary for both.
        var lookup = new TraceEventsLookup("events.csv", [new TraceEvents(0, 0, [1, 2], [0, 9.95]), new TraceEvents(1, 0, [3], [10])]);
        Assert.AreEqual(2, lookup.For(0, 0, 100, 0.1).Count, "an event inside the last 0.1 ms step belongs to the trace");
        Assert.AreEqual(0, lookup.For(0, 1, 100, 0.1).Count, "a trace the events file lacks gets none");
        var late = Assert.ThrowsExactly<InputException>(() => lookup.For(1, 0, 100, 0.1));
        StringAssert.Contains(late.Message, "events.csv");
        StringAssert.Contains(late.Message, "time_ms");
        StringAssert.Contains(late.Message, "events within their trace: run 1, neuron 0 has 100 steps of 0.1 ms");
        var stray = Assert.ThrowsExactly<InputException>(() => new TraceEventsLookup("events.csv", [new TraceEvents(7, 2, [0], [1])]).CheckAllUsed("grid.csv"));
        StringAssert.Contains(stray.Message, "grid.csv: it has no trace run 7, neuron 2");
        lookup.For(1, 0, 101, 0.1);
        lookup.CheckAllUsed("grid.csv");
    }

    [TestMethod]
    public void SynapticInputTest_EventFilesRoundTripInCsvAndParquet()
    {
        using var folder = new TempFolder();
        var table = Table(30);
        TraceEvents[] traces = [SynapticInputGenerator.Draw(new SynapticInputOptions(), table, 1, 0, 0, 3000, 0.1),
            TraceEvents.None(0, 1), SynapticInputGenerator.Draw(new SynapticInputOptions(), table, 1, 5, 2, 3000, 0.1)];
        foreach (string name in new[] { "events.csv", "events.parquet" })
        {
            string path = folder.File(name);
            EventFile.Write(path, traces);
            var read = EventFile.Read(path, 60);
            // A trace without events has no rows, so it is not in the file.
            Assert.AreEqual(2, read.Count, name);
            foreach (var (written, back) in new[] { traces[0], traces[2] }.Zip(read))
            {
                Assert.AreEqual((written.Run, written.Neuron), (back.Run, back.Neuron));
                CollectionAssert.AreEqual(written.Synapses, back.Synapses, name);
                CollectionAssert.AreEqual(written.TimesMs, back.TimesMs, name);
            }
        }
        Assert.AreEqual("run,neuron,synapse,time_ms", File.ReadLines(folder.File("events.csv")).First());
    }

    [TestMethod]
    public void SynapticInputTest_BadEventFilesNameTheRowColumnAndValue()
    {
        using var folder = new TempFolder();
        void Expect(string text, int? synapses, params string[] parts)
        {
            string path = folder.Write("bad.csv", text);
            var e = Assert.ThrowsExactly<InputException>(() => EventFile.Read(path, synapses));
            foreach (var part in parts)
            {
                StringAssert.Contains(e.Message, part);
            }
            StringAssert.Contains(e.Message, path);
        }
        Expect("run,neuron,synapse,time_ms\n0,0,1,0.5\n0,0,2,0.3\n", 10, "line 3", "time_ms", "0.3", "sorted by time");
        Expect("run,neuron,synapse,time_ms\n0,0,1,0.5\n0,0,12,0.6\n", 10, "line 3", "synapse", "12", "from 0 to 9");
        Expect("run,neuron,synapse,time_ms\n0,0,1,0.5\n1,0,2,0.3\n0,0,3,0.7\n", 10, "line 4", "one block");
        Expect("run,neuron,synapse,time_ms\n0,0,x,0.5\n", 10, "line 2", "synapse", "'x'", "an integer");
        Expect("run,neuron,synapse,time_ms\n0,0,1,-0.5\n", 10, "time ≥ 0");
        Expect("run,neuron,time_ms\n0,0,0.5\n", 10, "synapse", "input-events columns");
    }
}
