using NeuronSurrogate.Train;

namespace NeuronSurrogate.Tests;

/// <summary>The synaptic comparison's command-line options of the Train app.</summary>
[TestClass]
public sealed class TrainCommandTest
{
    private static TrainOptions Parse(params string[] args)
    {
        var command = new TrainCommand();
        var result = command.Root.Parse(args);
        Assert.IsEmpty(result.Errors, string.Join("; ", result.Errors.Select(e => e.Message)));
        return command.Options(result, args);
    }

    [TestMethod]
    public void TrainCommandTest_TheComparisonsOptionsGoWithTheirModel()
    {
        var tcn = Parse("--data", "t.parquet", "--synaptic", "--tcn", "--tcn-channels", "16", "--tcn-dendrites", "8");
        Assert.IsTrue(tcn.Tcn);
        Assert.AreEqual(16, tcn.TcnChannels);
        Assert.AreEqual(8, tcn.TcnDendrites);
        var plain = Parse("--data", "t.parquet", "--synaptic", "--tcn");
        Assert.AreEqual(32, plain.TcnChannels);
        Assert.AreEqual(0, plain.TcnDendrites);

        // The linear baseline takes --input-taus only where it is given; otherwise its own kernels.
        Assert.IsNull(Parse("--data", "t.parquet", "--synaptic", "--linear").LinearTausMs);
        CollectionAssert.AreEqual(new[] { 2.0, 5, 15 }, Parse("--data", "t.parquet", "--synaptic", "--linear", "--input-taus", "2", "5", "15").LinearTausMs!.ToArray());
        Assert.IsNull(Parse("--data", "t.parquet", "--synaptic", "--input-taus", "2", "5").LinearTausMs);

        foreach (string[] wrong in new[]
        {
            new[] { "--data", "t.parquet", "--synaptic", "--tcn-channels", "16" },
            new[] { "--data", "t.parquet", "--synaptic", "--tcn", "--tcn-channels", "0" },
            new[] { "--data", "t.parquet", "--synaptic", "--tcn-dendrites", "8" },
            new[] { "--data", "t.parquet", "--synaptic", "--tcn", "--tcn-dendrites", "-1" },
            new[] { "--data", "t.parquet", "--tcn" },
        })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => Parse(wrong), string.Join(' ', wrong));
            StringAssert.Contains(e.Message, "--tcn");
        }
    }

    [TestMethod]
    public void TrainCommandTest_TheProjectionFromTheLinearFitGoesWithTheLatentModelAtOneMillisecond()
    {
        var options = Parse("--data", "t.parquet", "--synaptic", "--projection-from-linear", "--threads", "2");
        Assert.IsTrue(options.ProjectionFromLinear);
        Assert.AreEqual(2, options.Latent.Threads);
        Assert.AreEqual(2.0, Parse("--data", "t.parquet", "--synaptic", "--spike-match-ms", "2").Latent.SpikeMatchMs);
        Assert.ThrowsExactly<ArgumentException>(() => Parse("--data", "t.parquet", "--synaptic", "--spike-match-ms", "-1"));
        Assert.IsFalse(Parse("--data", "t.parquet", "--synaptic").ProjectionFromLinear);
        Assert.AreEqual(1, Parse("--data", "t.parquet", "--synaptic").Latent.Threads, "one thread unless told: deterministic for a seed");

        foreach (string[] wrong in new[]
        {
            new[] { "--data", "t.parquet", "--projection-from-linear" },
            new[] { "--data", "t.parquet", "--synaptic", "--tcn", "--projection-from-linear" },
            new[] { "--data", "t.parquet", "--synaptic", "--linear", "--projection-from-linear" },
            new[] { "--data", "t.parquet", "--synaptic", "--step-factor", "5", "--projection-from-linear" },
            new[] { "--data", "t.parquet", "--synaptic", "--input-channels", "4", "--projection-from-linear" },
        })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => Parse(wrong), string.Join(' ', wrong));
            StringAssert.Contains(e.Message, "--projection-from-linear");
        }
        Assert.ThrowsExactly<ArgumentException>(() => Parse("--data", "t.parquet", "--synaptic", "--threads", "0"));
    }
}
