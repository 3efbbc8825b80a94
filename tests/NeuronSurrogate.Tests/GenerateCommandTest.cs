using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class GenerateCommandTest
{
    private static readonly string[] Small = ["--runs", "7", "--neurons", "3", "--steps", "120"];

    private static string[] Generate(string path, params string[] extra) => ["generate", .. Small, "--out", path, .. extra];

    [TestMethod]
    public void GenerateCommandTest_SameArgumentsGiveTheSameBytes()
    {
        using var folder = new TempFolder();
        Assert.AreEqual(0, CliRunner.Run(Generate(folder.File("a.csv"))).ExitCode);
        Assert.AreEqual(0, CliRunner.Run(Generate(folder.File("b.csv"))).ExitCode);
        Assert.AreEqual(0, CliRunner.Run(Generate(folder.File("c.csv"), "--seed", "43")).ExitCode);
        var a = File.ReadAllBytes(folder.File("a.csv"));
        CollectionAssert.AreEqual(a, File.ReadAllBytes(folder.File("b.csv")));
        CollectionAssert.AreNotEqual(a, File.ReadAllBytes(folder.File("c.csv")));
        Assert.IsFalse(Directory.EnumerateFiles(folder.Path, "*.tmp").Any(), "no temporary file left behind");
    }

    [TestMethod]
    public void GenerateCommandTest_WritesTheContractHeaderAndRows()
    {
        using var folder = new TempFolder();
        var (code, output, _) = CliRunner.Run(Generate(folder.File("d.csv")));
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "2,520 rows");
        var lines = File.ReadAllLines(folder.File("d.csv"));
        Assert.AreEqual("run,neuron,time_ms,current,voltage,spike", lines[0]);
        Assert.HasCount(1 + 7 * 3 * 120, lines);
        Assert.StartsWith("0,0,0,", lines[1]);
        StringAssert.EndsWith(lines[1], ",-65,0");
        Assert.StartsWith("0,0,0.3,", lines[4]);
        Assert.StartsWith("6,2,11.9,", lines[^1]);
    }

    [TestMethod]
    public void GenerateCommandTest_ShardsConcatenateToTheWholeDataset()
    {
        using var folder = new TempFolder();
        Assert.AreEqual(0, CliRunner.Run(Generate(folder.File("all.csv"))).ExitCode);
        var parts = new List<string>();
        for (int k = 0; k < 3; k++)
        {
            var (code, _, error) = CliRunner.Run(Generate(folder.File($"part{k}.csv"), "--shard", $"{k}/3"));
            Assert.AreEqual(0, code, error);
            var lines = File.ReadAllText(folder.File($"part{k}.csv"));
            parts.Add(k == 0 ? lines : lines[(lines.IndexOf('\n') + 1)..]);
        }
        Assert.AreEqual(File.ReadAllText(folder.File("all.csv")), string.Concat(parts));
    }

    [TestMethod]
    public void GenerateCommandTest_RunsRegeneratedAloneMatchTheFullDataset()
    {
        var full = DatasetGenerator.Generate(new DatasetOptions { Runs = 10, NeuronsPerRun = 2, Steps = 80 });
        var shard = DatasetGenerator.Generate(new DatasetOptions { Runs = 10, NeuronsPerRun = 2, Steps = 80, ShardIndex = 2, ShardCount = 5 });
        Assert.AreEqual(4, shard.FirstRun);
        Assert.AreEqual(2, shard.RunCount);
        int offset = shard.FirstRun * 2 * 80;
        CollectionAssert.AreEqual(full.Currents.AsSpan(offset, shard.Currents.Length).ToArray(), shard.Currents);
        CollectionAssert.AreEqual(full.VoltagesMv.AsSpan(offset, shard.VoltagesMv.Length).ToArray(), shard.VoltagesMv);
    }

    [TestMethod]
    public void GenerateCommandTest_RoundTripsThroughTheReader()
    {
        using var folder = new TempFolder();
        var options = new DatasetOptions { Runs = 3, NeuronsPerRun = 2, Steps = 50, IncludeRecovery = true };
        var batch = DatasetGenerator.Generate(options);
        string path = folder.File("round.csv");
        AtomicFile.Write(path, stream => DatasetCsvWriter.WriteDataset(stream, batch));
        using var reader = TraceReader.Open(path, [TraceColumns.Current, TraceColumns.Voltage, TraceColumns.Recovery]);
        int trace = 0;
        while (reader.ReadTrace())
        {
            var buffer = reader.Buffer;
            Assert.AreEqual(trace / 2, buffer.Run);
            Assert.AreEqual(trace % 2, buffer.Neuron);
            CollectionAssert.AreEqual(batch.Trace(batch.Currents, trace).ToArray(), buffer.Column(TraceColumns.Current));
            CollectionAssert.AreEqual(batch.Trace(batch.VoltagesMv, trace).ToArray(), buffer.Column(TraceColumns.Voltage));
            CollectionAssert.AreEqual(batch.Trace(batch.Recovery!, trace).ToArray(), buffer.Column(TraceColumns.Recovery));
            Assert.AreEqual(0.1, buffer.TimeStepMs, 1e-12);
            trace++;
        }
        Assert.AreEqual(6, trace);
        Assert.AreEqual(300, reader.RowsRead);
    }

    [TestMethod]
    public void GenerateCommandTest_OtherStimuliAndPresets()
    {
        using var folder = new TempFolder();
        foreach (var stimulus in new[] { "ou", "step", "ramp", "pulses", "mixed" })
        {
            var (code, _, error) = CliRunner.Run(Generate(folder.File($"{stimulus}.csv"), "--stimulus", stimulus, "--preset", "FS", "--integrator", "half-step", "--recovery"));
            Assert.AreEqual(0, code, error);
            StringAssert.EndsWith(File.ReadLines(folder.File($"{stimulus}.csv")).First(), ",spike,recovery");
        }
    }

    [TestMethod]
    public void GenerateCommandTest_BadOptionsExitWithTwoAndWriteNothing()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.csv");
        foreach (var args in new[]
        {
            Generate(path, "--preset", "XX"),
            Generate(path, "--dt", "0"),
            Generate(path, "--dt", "abc"),
            Generate(path, "--stimulus", "white"),
            Generate(path, "--shard", "3/3"),
            Generate(path, "--sd", "-1"),
            Generate(path, "--c", "40"),
            ["generate", "--runs", "0", "--out", path],
            ["generate", "--no-such-option"],
            ["generate", .. Small, "--out", folder.File("missing/folder/x.csv")],
            ["generate", .. Small, "--out", folder.Path],
        })
        {
            var (code, _, error) = CliRunner.Run(args);
            Assert.AreEqual(2, code, string.Join(' ', args));
            StringAssert.StartsWith(error, "error: ", string.Join(' ', args));
            Assert.IsFalse(File.Exists(path), string.Join(' ', args));
        }
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(folder.Path).Count());
    }

    [TestMethod]
    public void GenerateCommandTest_DivergingStimulusIsReported()
    {
        using var folder = new TempFolder();
        var (code, _, error) = CliRunner.Run(Generate(folder.File("div.csv"), "--stimulus", "step", "--amplitude", "-1e308"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "diverged");
        StringAssert.Contains(error, "run 0, neuron 0, at step 2");
        Assert.IsFalse(File.Exists(folder.File("div.csv")));
    }

    [TestMethod]
    public void GenerateCommandTest_HelpIsAvailable()
    {
        var (code, output, _) = CliRunner.Run("generate", "--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "--stimulus");
        StringAssert.Contains(CliRunner.Run("--help").Out, "simulate");
    }
}
