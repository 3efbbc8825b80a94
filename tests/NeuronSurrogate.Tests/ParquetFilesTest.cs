namespace NeuronSurrogate.Tests;

/// <summary>The columnar format: every command takes and writes .parquet with the CSV contract's columns.</summary>
[TestClass]
public sealed class ParquetFilesTest
{
    private static void Ok(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        Assert.AreEqual(0, code, error);
    }

    [TestMethod]
    public void ParquetFilesTest_EveryCommandReadsAndWritesParquetAsItDoesCsv()
    {
        using var folder = new TempFolder();
        string[] generate = ["generate", "--neuron", "hh", "--runs", "3", "--neurons", "2", "--steps", "400", "--stimulus", "mixed", "--seed", "7"];
        Ok([.. generate, "-o", folder.File("truth.csv")]);
        Ok([.. generate, "-o", folder.File("truth.parquet")]);
        Assert.AreNotEqual((byte)'r', File.ReadAllBytes(folder.File("truth.parquet"))[0], "a Parquet file, not a CSV one with another name");

        // The same predictions whichever format goes in or comes out.
        string model = TestPaths.Model("hh_latent.onnx");
        Ok("predict", "-m", model, "-i", folder.File("truth.csv"), "-o", folder.File("from_csv.csv"));
        Ok("predict", "-m", model, "-i", folder.File("truth.parquet"), "-o", folder.File("from_parquet.csv"));
        Ok("predict", "-m", model, "-i", folder.File("truth.parquet"), "-o", folder.File("from_parquet.parquet"));
        Ok("predict", "-m", model, "-i", folder.File("truth.csv"), "-o", folder.File("from_csv.parquet"));
        string expected = File.ReadAllText(folder.File("from_csv.csv"));
        Assert.AreEqual(expected, File.ReadAllText(folder.File("from_parquet.csv")), "Parquet in, CSV out: the same text as CSV in");
        foreach (var parquet in new[] { "from_parquet.parquet", "from_csv.parquet" })
        {
            Ok("predict", "-m", model, "-i", folder.File(parquet), "-o", folder.File("back.csv"));
            // The predicted columns are recomputed from the currents (the same), the rest pass through as typed values.
            Assert.AreEqual(expected, File.ReadAllText(folder.File("back.csv")), parquet);
        }

        // evaluate scores either format the same way.
        var csvScore = CliRunner.Run("evaluate", "-t", folder.File("truth.csv"), "-p", folder.File("from_csv.csv"));
        var parquetScore = CliRunner.Run("evaluate", "-t", folder.File("truth.parquet"), "-p", folder.File("from_parquet.parquet"));
        Assert.AreEqual(0, parquetScore.ExitCode, parquetScore.Error);
        Assert.AreEqual(csvScore.Out, parquetScore.Out);

        // simulate: Parquet in, Parquet out, then CSV out: the dataset's own CSV.
        Ok("simulate", "--neuron", "hh", "-i", folder.File("truth.parquet"), "-o", folder.File("sim.parquet"));
        Ok("simulate", "--neuron", "hh", "-i", folder.File("sim.parquet"), "-o", folder.File("sim.csv"));
        Assert.AreEqual(File.ReadAllText(folder.File("truth.csv")), File.ReadAllText(folder.File("sim.csv")));
    }

    [TestMethod]
    public void ParquetFilesTest_TextColumnsPassThroughAndEmptyFieldsBecomeNulls()
    {
        using var folder = new TempFolder();
        string input = folder.Write("in.csv", "run,neuron,time_ms,current,label,voltage\n" +
            "1,0,0,10,\"a, quoted\"\"field\",\n1,0,0.1,10,b,-60.5\n");
        Ok("simulate", "-i", input, "-o", folder.File("out.parquet"));
        Ok("simulate", "-i", folder.File("out.parquet"), "-o", folder.File("out.csv"));
        var lines = File.ReadAllLines(folder.File("out.csv"));
        Assert.AreEqual("run,neuron,time_ms,current,label,voltage,spike", lines[0]);
        StringAssert.StartsWith(lines[1], "1,0,0,10,\"a, quoted\"\"field\",-65,0");
        StringAssert.StartsWith(lines[2], "1,0,0.1,10,b,");
    }

    [TestMethod]
    public void ParquetFilesTest_AFileThatIsNotParquetIsAClearError()
    {
        using var folder = new TempFolder();
        string fake = folder.Write("fake.parquet", "run,neuron,time_ms,current\n0,0,0,1\n");
        var (code, _, error) = CliRunner.Run("predict", "-m", TestPaths.Model("hh_latent.onnx"), "-i", fake, "-o", folder.File("p.parquet"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "fake.parquet: expected a Parquet file");
        Assert.HasCount(1, error.TrimEnd().Split('\n'), error);
        Assert.IsFalse(File.Exists(folder.File("p.parquet")));
    }

    [TestMethod]
    public void ParquetFilesTest_ContractBreachesNameTheDataRow()
    {
        using var folder = new TempFolder();
        // A Parquet file has no lines: the error names the data row (the third), as CSV's names line 4 (data row 3).
        string parquet = folder.File("bad.parquet");
        WriteParquet(parquet, [0, 0, 0], [0, 0, 0], [0, 0.1, 0.25], [1, 1, 1]);
        var (code, _, error) = CliRunner.Run("simulate", "--neuron", "hh", "-i", parquet, "-o", folder.File("x.csv"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "bad.parquet, data row 3, column 'time_ms': value '0.25': expected 0.2");
    }

    [TestMethod]
    public void ParquetFilesTest_ATraceSplitAcrossRowGroupsReadsAsOne()
    {
        using var folder = new TempFolder();
        // Two traces of 5 rows, written in row groups of 3 rows: both traces cross a group boundary.
        long[] run = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        double[] time = [0, 0.1, 0.2, 0.3, 0.4, 0, 0.1, 0.2, 0.3, 0.4];
        double[] current = [.. Enumerable.Range(0, 10).Select(i => 0.05 * i)];
        string parquet = folder.File("split.parquet");
        WriteParquet(parquet, run, new long[10], time, current, groupRows: 3);
        string csv = folder.Write("split.csv", "run,neuron,time_ms,current\n" + string.Concat(Enumerable.Range(0, 10).Select(i =>
            FormattableString.Invariant($"{run[i]},0,{time[i]},{current[i]}\n"))));
        Ok("simulate", "--neuron", "hh", "-i", parquet, "-o", folder.File("from_parquet.csv"));
        Ok("simulate", "--neuron", "hh", "-i", csv, "-o", folder.File("from_csv.csv"));
        Assert.AreEqual(File.ReadAllText(folder.File("from_csv.csv")), File.ReadAllText(folder.File("from_parquet.csv")));
    }

    private static void WriteParquet(string path, long[] run, long[] neuron, double[] time, double[] current, int groupRows = int.MaxValue)
    {
        var fields = new[]
        {
            new Parquet.Schema.DataField("run", typeof(long)), new Parquet.Schema.DataField("neuron", typeof(long)),
            new Parquet.Schema.DataField("time_ms", typeof(double)), new Parquet.Schema.DataField("current", typeof(double)),
        };
        using var stream = File.Create(path);
        var writer = Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream).GetAwaiter().GetResult();
        for (int start = 0; start < run.Length; start += groupRows)
        {
            int rows = Math.Min(groupRows, run.Length - start);
            using var group = writer.CreateRowGroup();
            group.WriteAsync(fields[0], (ReadOnlyMemory<long>)run.AsMemory(start, rows)).GetAwaiter().GetResult();
            group.WriteAsync(fields[1], (ReadOnlyMemory<long>)neuron.AsMemory(start, rows)).GetAwaiter().GetResult();
            group.WriteAsync(fields[2], (ReadOnlyMemory<double>)time.AsMemory(start, rows)).GetAwaiter().GetResult();
            group.WriteAsync(fields[3], (ReadOnlyMemory<double>)current.AsMemory(start, rows)).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
