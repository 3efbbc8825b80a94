using System.Globalization;
using System.Text.Json;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class EvaluateCommandTest
{
    private static string Dataset(TempFolder folder)
    {
        string path = folder.File("truth.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "3", "--neurons", "2", "--steps", "500", "--out", path).ExitCode);
        return path;
    }

    [TestMethod]
    public void EvaluateCommandTest_TruthAgainstItselfIsPerfect()
    {
        using var folder = new TempFolder();
        string truth = Dataset(folder);
        string json = folder.File("m.json");
        var (code, output, error) = CliRunner.Run("evaluate", "--truth", truth, "--prediction", truth, "--column", "voltage", "--json", json);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "6 traces");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.AreEqual(1.0, doc.RootElement.GetProperty("gamma").GetDouble(), 1e-12);
        Assert.AreEqual(1.0, doc.RootElement.GetProperty("spike_f1").GetDouble(), 1e-12);
        Assert.AreEqual(0.0, doc.RootElement.GetProperty("rmse_mv").GetDouble(), 1e-12);
        Assert.AreEqual(0.0, doc.RootElement.GetProperty("rmse_clipped_mv").GetDouble(), 1e-12);
        Assert.AreEqual(1.0, doc.RootElement.GetProperty("variance_explained_clipped").GetDouble(), 1e-12);
        Assert.AreEqual("voltage", doc.RootElement.GetProperty("spike_score").GetString());
        // The true voltage as the score: every spike bin beats nearly every other bin (a bin just after a spike can stay above 0 mV).
        Assert.IsTrue(doc.RootElement.GetProperty("spike_auc_1ms").GetDouble() > 0.99);
        StringAssert.Contains(output, "spike AUC");
        // The same at whole milliseconds, and by the time since the last spike: every band exact, their shares adding to 1.
        Assert.AreEqual(0.0, doc.RootElement.GetProperty("rmse_clipped_1ms_mv").GetDouble(), 1e-12);
        var bands = doc.RootElement.GetProperty("clipped_by_time_since_last_spike").EnumerateArray().ToArray();
        Assert.HasCount(5, bands);
        Assert.AreEqual(1.0, bands.Sum(b => b.GetProperty("time_share").GetDouble()), 1e-9);
        // A band without samples (these traces are 50 ms long) has no RMSE: NaN, as the metrics write it.
        foreach (var band in bands)
        {
            var rmse = band.GetProperty("rmse_clipped_mv");
            Assert.IsTrue(band.GetProperty("time_share").GetDouble() > 0 ? rmse.GetDouble() == 0 : rmse.GetString() == "NaN", band.ToString());
        }
        Assert.IsTrue(bands.Any(b => b.GetProperty("time_share").GetDouble() > 0 && b.GetProperty("to_ms").ValueKind == JsonValueKind.Number));
        StringAssert.Contains(output, "by the time since the truth's last spike");
        StringAssert.Contains(output, "≥ 100 ms (or no spike yet)");
    }

    [TestMethod]
    public void EvaluateCommandTest_MatchesRowsByKeyInAnyTraceOrder()
    {
        using var folder = new TempFolder();
        string truth = Dataset(folder);
        // Traces in reverse order, voltage shifted by +2 mV below threshold: subthreshold RMSE exactly 2.
        var lines = File.ReadAllLines(truth).Skip(1).Select(l => l.Split(',')).GroupBy(f => (f[0], f[1])).Reverse();
        var rows = lines.SelectMany(g => g.Select(f =>
        {
            double v = double.Parse(f[4], CultureInfo.InvariantCulture);
            return $"{f[0]},{f[1]},{f[2]},{(v < 0 ? v + 2 : v).ToString("R", CultureInfo.InvariantCulture)}";
        }));
        string prediction = folder.Write("p.csv", "run,neuron,time_ms,predicted_voltage\n" + string.Join('\n', rows) + "\n");
        string json = folder.File("m.json");
        var (code, _, error) = CliRunner.Run("evaluate", "-t", truth, "-p", prediction, "--json", json);
        Assert.AreEqual(0, code, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.AreEqual(2.0, doc.RootElement.GetProperty("rmse_subthreshold_mv").GetDouble(), 1e-9);
        Assert.AreEqual(1.0, doc.RootElement.GetProperty("spike_f1").GetDouble(), 1e-12);
    }

    [TestMethod]
    public void EvaluateCommandTest_MissingOrMismatchedRowsAreErrors()
    {
        using var folder = new TempFolder();
        string truth = Dataset(folder);
        var all = File.ReadAllLines(truth);
        string Without(Func<string, int, bool> drop, string name) =>
            folder.Write(name, string.Join('\n', all.Where((l, i) => i == 0 || !drop(l, i))) + "\n");

        var missingTrace = CliRunner.Run("evaluate", "-t", truth, "-p", Without((l, _) => l.StartsWith("2,1,", StringComparison.Ordinal), "a.csv"), "-c", "voltage");
        Assert.AreEqual(2, missingTrace.ExitCode);
        StringAssert.Contains(missingTrace.Error, "trace (run 2, neuron 1)");

        var missingRow = CliRunner.Run("evaluate", "-t", truth, "-p", Without((_, i) => i == all.Length - 1, "b.csv"), "-c", "voltage");
        Assert.AreEqual(2, missingRow.ExitCode);
        StringAssert.Contains(missingRow.Error, "500 rows for trace (run 2, neuron 1)");

        string extra = folder.Write("c.csv", string.Join('\n', all) + "\n9,0,0,0,-65,0\n");
        var extraTrace = CliRunner.Run("evaluate", "-t", truth, "-p", extra, "-c", "voltage");
        Assert.AreEqual(2, extraTrace.ExitCode);
        StringAssert.Contains(extraTrace.Error, "(run 9, neuron 0) is not");

        var noColumn = CliRunner.Run("evaluate", "-t", truth, "-p", truth);
        Assert.AreEqual(2, noColumn.ExitCode);
        StringAssert.Contains(noColumn.Error, "column 'predicted_voltage'");
    }
}
