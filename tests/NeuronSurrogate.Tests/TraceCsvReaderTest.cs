using NeuronSurrogate.Data;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class TraceCsvReaderTest
{
    /// <summary>Traces (run, steps): (0, 3), (1, 3), (2, 3), (3, 2), (4, 3), currents = run + step / 10.</summary>
    private static string File(TempFolder folder)
    {
        var text = new System.Text.StringBuilder("run,neuron,time_ms,current\n");
        foreach (var (run, steps) in new[] { (0, 3), (1, 3), (2, 3), (3, 2), (4, 3) })
        {
            for (int t = 0; t < steps; t++)
            {
                text.Append(FormattableString.Invariant($"{run},0,{t * 0.1},{run + t / 10.0}\n"));
            }
        }
        return folder.Write("traces.csv", text.ToString());
    }

    [TestMethod]
    public void TraceCsvReaderTest_BatchesKeepLikeTracesTogetherUpToTheLimit()
    {
        using var folder = new TempFolder();
        using var reader = TraceReader.Open(File(folder), [TraceColumns.Current]);
        var batches = reader.ReadBatches(2, (first, next) => first.Count == next.Count)
            .Select(b => b.Select(t => t.Run).ToArray()).ToArray();
        // Full at two traces; a trace of another length starts a new batch.
        Assert.HasCount(4, batches);
        CollectionAssert.AreEqual(new long[] { 0, 1 }, batches[0]);
        CollectionAssert.AreEqual(new long[] { 2 }, batches[1]);
        CollectionAssert.AreEqual(new long[] { 3 }, batches[2]);
        CollectionAssert.AreEqual(new long[] { 4 }, batches[3]);
    }

    [TestMethod]
    public void TraceCsvReaderTest_BatchedTracesAreCopiesThatOutliveTheReader()
    {
        using var folder = new TempFolder();
        using var reader = TraceReader.Open(File(folder), [TraceColumns.Current]);
        var traces = reader.ReadBatches(10, (_, _) => true).SelectMany(b => b).ToArray();
        Assert.HasCount(5, traces);
        CollectionAssert.AreEqual(new[] { 1.0, 1.1, 1.2 }, traces[1].Columns[TraceColumns.Current]);
        CollectionAssert.AreEqual(new[] { 3.0, 3.1 }, traces[3].Columns[TraceColumns.Current]);
        Assert.AreEqual(0.1, traces[4].TimeStepMs, 1e-12);
        Assert.AreEqual(5, traces[1].FirstLine, "the header is line 1, trace 1 starts after trace 0's three rows");
    }

    [TestMethod]
    public void TraceCsvReaderTest_ACheckFailsBeforeTheBatchBeforeItIsHandedOut()
    {
        using var folder = new TempFolder();
        using var reader = TraceReader.Open(File(folder), [TraceColumns.Current]);
        var handedOut = new List<long>();
        Assert.ThrowsExactly<InputException>(() =>
        {
            foreach (var batch in reader.ReadBatches(10, (first, next) => first.Count == next.Count,
                trace => { if (trace.Count < 3) throw InputException.About(null, "three steps"); }))
            {
                handedOut.AddRange(batch.Select(t => t.Run));
            }
        });
        // Trace 3 fails while traces 0–2 still wait in their batch: none of them reached the caller.
        Assert.IsEmpty(handedOut);
    }
}
