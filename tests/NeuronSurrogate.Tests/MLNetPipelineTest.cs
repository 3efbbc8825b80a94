using Microsoft.ML;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Features;
using NeuronSurrogate.Inference;
using NeuronSurrogate.MLNet;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class MLNetPipelineTest
{
    private static string Dataset(TempFolder folder, int runs = 40, bool recovery = false)
    {
        string path = folder.File("d.csv");
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = runs, NeuronsPerRun = 2, Steps = 300, IncludeRecovery = recovery });
        AtomicFile.Write(path, s => DatasetCsvWriter.WriteDataset(s, batch));
        return path;
    }

    [TestMethod]
    public void MLNetPipelineTest_LoadedViewHoldsTheDatasetExactly()
    {
        using var folder = new TempFolder();
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = 4, NeuronsPerRun = 2, Steps = 300 });
        string path = folder.File("d.csv");
        AtomicFile.Write(path, s => DatasetCsvWriter.WriteDataset(s, batch));
        var traces = TraceDataLoader.ToTraceSet(TraceDataLoader.Load(new MLContext(1), path), path);
        Assert.AreEqual(8, traces.TraceCount);
        Assert.AreEqual(300, traces.Steps);
        Assert.AreEqual(0.1, traces.TimeStepMs, 1e-12);
        CollectionAssert.AreEqual(batch.Currents, traces.Currents);
        CollectionAssert.AreEqual(batch.VoltagesMv, traces.VoltagesMv);
        CollectionAssert.AreEqual(new long[] { 0, 0, 1, 1, 2, 2, 3, 3 }, traces.Runs);
    }

    [TestMethod]
    public void MLNetPipelineTest_LoadReadsTheFileOnce()
    {
        using var folder = new TempFolder();
        string path = Dataset(folder, runs: 30, recovery: true);
        var ml = new MLContext(5);
        var view = TraceDataLoader.Load(ml, path, withRecovery: true);
        var expected = TraceDataLoader.ToTraceSet(view, path);
        // Everything after Load reads memory: the split, its sides and every column stay the same with the file gone.
        File.Delete(path);
        var (_, train, validation, test) = RunSplit.Create(ml, view, seed: 5);
        var sides = new[] { train, validation, test }.Select(v => TraceDataLoader.ToTraceSet(v, path)).ToArray();
        Assert.AreEqual(expected.TraceCount, sides.Sum(s => s.TraceCount));
        var byRun = Enumerable.Range(0, expected.TraceCount).ToDictionary(t => (expected.Runs[t], expected.Neurons[t]));
        foreach (var side in sides)
        {
            for (int t = 0; t < side.TraceCount; t++)
            {
                int source = byRun[(side.Runs[t], side.Neurons[t])];
                CollectionAssert.AreEqual(expected.Trace(expected.VoltagesMv, source).ToArray(), side.Trace(side.VoltagesMv, t).ToArray());
                CollectionAssert.AreEqual(expected.Trace(expected.Recovery!, source).ToArray(), side.Trace(side.Recovery!, t).ToArray());
            }
        }
    }

    [TestMethod]
    public void MLNetPipelineTest_LoadNamesTheBadRowDeepInTheFile()
    {
        using var folder = new TempFolder();
        string path = Dataset(folder, runs: 30);
        var lines = File.ReadAllLines(path);
        int line = lines.Length - 100;
        var fields = lines[line - 1].Split(',');
        int voltage = Array.IndexOf(lines[0].Split(','), TraceColumns.Voltage);
        fields[voltage] = "-6O.5";
        lines[line - 1] = string.Join(',', fields);
        File.WriteAllLines(path, lines);
        var e = Assert.ThrowsExactly<InputException>(() => TraceDataLoader.Load(new MLContext(1), path));
        StringAssert.Contains(e.Message, $"line {line}");
        StringAssert.Contains(e.Message, "column 'voltage'");
        StringAssert.Contains(e.Message, "'-6O.5'");
    }

    [TestMethod]
    public void MLNetPipelineTest_SplitKeepsRunsWholeAndDisjoint()
    {
        using var folder = new TempFolder();
        string path = Dataset(folder, runs: 60);
        var ml = new MLContext(7);
        var (split, train, validation, test) = RunSplit.Create(ml, TraceDataLoader.Load(ml, path), seed: 7);
        var all = split.Train.Concat(split.Validation).Concat(split.Test).ToArray();
        Assert.HasCount(60, all.Distinct().ToArray(), "every run on exactly one side");
        Assert.HasCount(60, all);
        Assert.IsTrue(split.Test.Count is >= 2 and <= 14, $"about 10 % test runs, got {split.Test.Count}");
        Assert.IsTrue(split.Validation.Count is >= 2 and <= 14, $"about 10 % validation runs, got {split.Validation.Count}");
        // Whole runs: every trace of a side has all its neurons and steps.
        foreach (var view in new[] { train, validation, test })
        {
            var traces = TraceDataLoader.ToTraceSet(view, path);
            Assert.AreEqual(2 * RunSplit.RunsOf(view).Count, traces.TraceCount);
        }
        // Same seed, same split.
        var again = RunSplit.Create(ml, TraceDataLoader.Load(ml, path), seed: 7).Split;
        CollectionAssert.AreEqual(split.Test.ToArray(), again.Test.ToArray());
        StringAssert.Contains(split.ToJson(), "\"validation\"");
    }

    [TestMethod]
    public void MLNetPipelineTest_FastTreeOnnxAgreesWithMLNet()
    {
        using var folder = new TempFolder();
        var ml = new MLContext(3);
        var traces = DatasetGenerator.Generate(new DatasetOptions { Runs = 10, NeuronsPerRun = 2, Steps = 300 }).Traces;
        var spec = new FeatureSpec { VoltageLags = FeatureSpec.Range(4), CurrentLags = FeatureSpec.Range(4) };
        var features = FeatureDataView.Create(ml, spec, traces);
        var model = FastTreeBaseline.Fit(ml, features, new FastTreeSettings { Trees = 20, Leaves = 8 });
        string onnxPath = folder.File("ft.onnx");
        FastTreeBaseline.ExportOnnx(ml, model, ml.Data.TakeRows(features, 4), onnxPath);

        var rows = ml.Data.CreateEnumerable<FeatureRow>(features, reuseRowObject: false, schemaDefinition: FeatureDataView.Schema(spec)).Take(2000).ToArray();
        var flat = rows.SelectMany(r => r.Features).ToArray();
        var fromMlNet = new float[rows.Length];
        var fromOnnx = new float[rows.Length];
        new MlNetPredictor(ml, model, spec).Predict(flat, fromMlNet, rows.Length);
        using (var onnx = new OnnxOneStepPredictor(onnxPath, FeatureDataView.FeaturesColumn, "Score.output"))
        {
            Assert.AreEqual(spec.Count, onnx.FeatureCount);
            onnx.Predict(flat, fromOnnx, rows.Length);
        }
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.AreEqual(fromMlNet[i], fromOnnx[i], 1e-3, $"row {i}");
        }
        Assert.IsGreaterThan(1.0, fromOnnx.Max() - fromOnnx.Min(), "the model is not constant");
    }

    [TestMethod]
    public void MLNetPipelineTest_FeatureRowsLeaveResetStepsToTheRule()
    {
        var ml = new MLContext(3);
        var traces = DatasetGenerator.Generate(new DatasetOptions { Runs = 2, NeuronsPerRun = 1, Steps = 300 }).Traces;
        var spec = new FeatureSpec { VoltageLags = [1], CurrentLags = [1] };
        var rows = ml.Data.CreateEnumerable<FeatureRow>(FeatureDataView.Create(ml, spec, traces), false, schemaDefinition: FeatureDataView.Schema(spec)).ToArray();
        int peaks = traces.VoltagesMv.Count(v => v == 30);
        Assert.IsGreaterThan(0, peaks);
        Assert.HasCount(600 - peaks, rows, "one row per step except those right after a peak");
        Assert.IsFalse(rows.Any(r => r.Features[0] >= 30));
        _ = new SpikeResetRule(30, -65);
    }

    [TestMethod]
    public void MLNetPipelineTest_BadModelFilesAreInputErrors()
    {
        using var folder = new TempFolder();
        Assert.ThrowsExactly<InputException>(() => new OnnxOneStepPredictor(folder.File("none.onnx"), "Features", "Score.output"));
        string junk = folder.Write("junk.onnx", "this is not a model");
        var e = Assert.ThrowsExactly<InputException>(() => new OnnxOneStepPredictor(junk, "Features", "Score.output"));
        StringAssert.Contains(e.Message, "a valid ONNX model");
    }
}
