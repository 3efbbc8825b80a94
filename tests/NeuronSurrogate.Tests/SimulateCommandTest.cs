using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class SimulateCommandTest
{
    [TestMethod]
    public void SimulateCommandTest_ReproducesTheGeneratedDatasetExactly()
    {
        using var folder = new TempFolder();
        string dataset = folder.File("dataset.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "5", "--neurons", "2", "--steps", "400", "--stimulus", "mixed", "--out", dataset).ExitCode);
        // Currents only, with the columns in another order and an extra column to pass through.
        var currents = File.ReadAllLines(dataset).Select(line => line.Split(',')).Select(f => $"{f[3]},{f[2]},{f[0]},{f[1]},note-{f[0]}");
        string input = folder.Write("currents.csv", "current,time_ms,run,neuron,note\n" + string.Join('\n', currents.Skip(1)) + "\n");
        string output = folder.File("traces.csv");
        var (code, stdout, error) = CliRunner.Run("simulate", "--input", input, "--output", output);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(stdout, "10 traces, 4,000 rows");
        var expected = File.ReadAllLines(dataset).Skip(1).Select(l => l.Split(',')).ToArray();
        var actual = File.ReadAllLines(output);
        Assert.AreEqual("current,time_ms,run,neuron,note,voltage,spike", actual[0]);
        for (int i = 0; i < expected.Length; i++)
        {
            var f = actual[i + 1].Split(',');
            Assert.AreEqual(expected[i][0], f[2]);
            Assert.AreEqual($"note-{expected[i][0]}", f[4]);
            Assert.AreEqual(expected[i][4], f[5], $"voltage of row {i + 1}");
            Assert.AreEqual(expected[i][5], f[6], $"spike of row {i + 1}");
        }
    }

    [TestMethod]
    public void SimulateCommandTest_ReplacesExistingColumnsAndKeepsQuotedFields()
    {
        using var folder = new TempFolder();
        string input = folder.Write("in.csv",
            "run,neuron,time_ms,current,voltage,label\n" +
            "1,0,0,10,999,\"a, quoted\"\"field\"\n" +
            "1,0,0.5,10,999,b\n" +
            "1,0,1,10,999,c\n" +
            "2,0,5,0,999,d\n");
        string output = folder.File("out.csv");
        var (code, _, error) = CliRunner.Run("simulate", "-i", input, "-o", output, "--preset", "FS", "--recovery");
        Assert.AreEqual(0, code, error);
        var lines = File.ReadAllLines(output);
        Assert.AreEqual("run,neuron,time_ms,current,voltage,label,spike,recovery", lines[0]);
        Assert.AreEqual("1,0,0,10,-65,\"a, quoted\"\"field\",0,-13", lines[1]);
        // dt = 0.5 ms from the time column: v1 = −65 + 0.5 (0.04·65² − 5·65 + 140 + 13 + 10) = −65 + 0.5·7 = −61.5.
        Assert.AreEqual(-61.5, double.Parse(lines[2].Split(',')[4], CultureInfo.InvariantCulture), 1e-12);
        Assert.AreEqual("2,0,5,0,-65,d,0,-13", lines[4], "a one-row trace records v0 and u0");
    }

    private static void AssertBadInput(string csv, string expectedFragment, params string[] more)
    {
        using var folder = new TempFolder();
        string input = folder.Write("bad.csv", csv);
        string output = folder.File("out.csv");
        var (code, _, error) = CliRunner.Run(["simulate", "--input", input, "--output", output, .. more]);
        Assert.AreEqual(2, code, error);
        Assert.IsFalse(File.Exists(output), "no output file after bad input");
        Assert.IsFalse(Directory.EnumerateFiles(folder.Path, "*.tmp", SearchOption.AllDirectories).Any(), "no temporary file left");
        var lines = error.TrimEnd().Split('\n');
        Assert.HasCount(1, lines, error);
        StringAssert.StartsWith(error, "error: ");
        StringAssert.Contains(error, expectedFragment);
    }

    [TestMethod]
    public void SimulateCommandTest_EveryBadInputIsAClearOneLineError()
    {
        const string header = "run,neuron,time_ms,current\n";
        AssertBadInput("", "bad.csv: expected a header row");
        AssertBadInput(header, "only a header");
        AssertBadInput("run,neuron,time_ms\n0,0,0\n", "line 1, column 'current': expected a column named 'current'");
        AssertBadInput("run,neuron,time_ms,current,current\n0,0,0,1,1\n", "column 'current': expected each column name once");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,abc\n", "line 3 (data row 2), column 'current': value 'abc': expected a finite number");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,NaN\n", "column 'current': value 'NaN'");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,-Infinity\n", "value '-Infinity'");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,1e999\n", "value '1e999'");
        AssertBadInput(header + "0,0,0,1\n0,0,0,1\n", "line 3 (data row 2), column 'time_ms': value '0': expected a time after the previous row's 0 ms");
        AssertBadInput(header + "0,0,1,1\n0,0,0.5,1\n", "column 'time_ms': value '0.5': expected a time after");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,1\n0,0,0.25,1\n", "line 4 (data row 3), column 'time_ms': value '0.25': expected 0.2");
        AssertBadInput(header + "0,0,0,1\n0,1,0,1\n0,0,0.1,1\n", "line 4 (data row 3), column 'run': value '0': expected the rows of each trace together");
        AssertBadInput(header + "0.5,0,0,1\n", "column 'run': value '0.5': expected an integer");
        AssertBadInput(header + "0,0,0,1,7\n", "line 2 (data row 1): expected 4 fields like the header, found 5");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1\n", "found 3");
        AssertBadInput(header + "0,0,0,\"1\n", "line 2");
        AssertBadInput(header + "0,0,0,10\n0,0,20,10\n", "time step between", "--preset", "RS");
        AssertBadInput(header + "0,0,0,1\n0,0,0.1,-1e308\n0,0,0.2,0\n0,0,0.3,0\n0,0,0.4,0\n", "diverged (NaN or infinity) at step 3");
        AssertBadInput(header + "0,0,0,1\n", "unknown preset 'XX'", "--preset", "XX");
        AssertBadInput(header + "0,0,0,1\n", "'bogus'", "--integrator", "bogus");
    }

    [TestMethod]
    public void SimulateCommandTest_MissingFilesAndFoldersAreBadInput()
    {
        using var folder = new TempFolder();
        string input = folder.Write("ok.csv", "run,neuron,time_ms,current\n0,0,0,1\n");
        var missing = CliRunner.Run("simulate", "--input", folder.File("nope.csv"), "--output", folder.File("o.csv"));
        Assert.AreEqual(2, missing.ExitCode);
        StringAssert.Contains(missing.Error, "nope.csv: expected an existing CSV file");
        var noFolder = CliRunner.Run("simulate", "--input", input, "--output", folder.File("no/such/dir/o.csv"));
        Assert.AreEqual(2, noFolder.ExitCode);
        StringAssert.Contains(noFolder.Error, "folder");
        var noArgs = CliRunner.Run("simulate");
        Assert.AreEqual(2, noArgs.ExitCode);
        StringAssert.Contains(noArgs.Error, "--input");
        Assert.IsFalse(File.Exists(folder.File("o.csv")));
    }

    [TestMethod]
    public void SimulateCommandTest_ReadOnlyOutputFolderIsBadInput()
    {
        // /proc is read-only even for root, which the tests may run as (chmod would not stop root).
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            Assert.Inconclusive("needs Linux /proc");
        }
        using var folder = new TempFolder();
        string input = folder.Write("ok.csv", "run,neuron,time_ms,current\n0,0,0,1\n");
        foreach (var args in new[]
        {
            new[] { "simulate", "--input", input, "--output", "/proc/neuron-surrogate-out.csv" },
            ["generate", "--runs", "1", "--neurons", "1", "--steps", "5", "--out", "/proc/neuron-surrogate-out.csv"],
            ["evaluate", "--truth", input, "--prediction", input, "--column", "current", "--json", "/proc/neuron-surrogate-out.json"],
            ["predict", "--model", TestPaths.Model("surrogate.onnx"), "--input", input, "--output", "/proc/neuron-surrogate-out.csv"],
        })
        {
            var (code, _, error) = CliRunner.Run(args);
            Assert.AreEqual(2, code, $"{args[0]}: {error}");
            StringAssert.Contains(error, "expected a writable folder", args[0]);
            Assert.HasCount(1, error.TrimEnd('\n').Split('\n'), error);
        }
    }

    [TestMethod]
    public void SimulateCommandTest_FailedRunKeepsThePreviousOutput()
    {
        using var folder = new TempFolder();
        string output = folder.Write("out.csv", "previous good content\n");
        string input = folder.Write("in.csv", "run,neuron,time_ms,current\n0,0,0,1\n0,0,0.1,1\n1,0,0,1\n0,0,0.2,1\n");
        Assert.AreEqual(2, CliRunner.Run("simulate", "--input", input, "--output", output).ExitCode);
        Assert.AreEqual("previous good content\n", File.ReadAllText(output));
    }

    [TestMethod]
    public void SimulateCommandTest_SimulatedFileFeedsTheReaderAgain()
    {
        using var folder = new TempFolder();
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = 2, NeuronsPerRun = 2, Steps = 30 });
        string dataset = folder.File("d.csv");
        AtomicFile.Write(dataset, s => DatasetCsvWriter.WriteDataset(s, batch));
        string again = folder.File("again.csv");
        Assert.AreEqual(0, CliRunner.Run("simulate", "--input", dataset, "--output", again).ExitCode);
        CollectionAssert.AreEqual(File.ReadAllBytes(dataset), File.ReadAllBytes(again), "re-simulating a dataset reproduces it byte for byte");
    }
}
