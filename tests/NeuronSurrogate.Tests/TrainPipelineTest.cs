using System.Text.Json;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Features;
using NeuronSurrogate.Train;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class TrainPipelineTest
{
    [TestMethod]
    [TestCategory("Slow")]
    public void TrainPipelineTest_TinyRunWritesTheContractFiles()
    {
        using var folder = new TempFolder();
        string dataset = folder.File("d.csv");
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = 30, NeuronsPerRun = 2, Steps = 300, IncludeRecovery = true });
        AtomicFile.Write(dataset, s => TraceCsvWriter.WriteDataset(s, batch));
        var options = new TrainOptions
        {
            DatasetPath = dataset,
            ResultsFolder = folder.File("results"),
            ModelsFolder = folder.File("models"),
            VoltageLags = 4,
            CurrentLags = 4,
            Epochs = 2,
            Hidden = [16, 16],
            PlotTraces = 1,
        };
        var log = new List<string>();
        Assert.AreEqual(0, new TrainPipeline(options, log.Add).Run());

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(options.ResultsFolder, "metrics.json")));
        var root = metrics.RootElement;
        var split = root.GetProperty("split");
        var train = split.GetProperty("train").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        var test = split.GetProperty("test").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        var validation = split.GetProperty("validation").EnumerateArray().Select(e => e.GetInt64()).ToHashSet();
        Assert.IsFalse(train.Overlaps(test) || train.Overlaps(validation) || test.Overlaps(validation));
        foreach (string model in new[] { "mlp", "fasttree", "constant_rest", "train_mean", "input_blind" })
        {
            foreach (string mode in new[] { "closed_loop", "teacher_forced" })
            {
                var m = root.GetProperty("models").GetProperty(model).GetProperty(mode);
                foreach (string key in new[] { "gamma", "spike_f1", "spike_precision", "spike_recall", "rmse_mv", "rmse_subthreshold_mv", "rate_error" })
                {
                    Assert.AreEqual(JsonValueKind.Number, m.GetProperty(key).ValueKind, $"{model}.{mode}.{key}");
                }
            }
        }
        Assert.AreEqual(0.0, root.GetProperty("models").GetProperty("constant_rest").GetProperty("closed_loop").GetProperty("spike_recall").GetDouble());
        Assert.IsTrue(File.Exists(Path.Combine(options.ResultsFolder, "report.md")));
        Assert.IsTrue(File.Exists(Path.Combine(options.ResultsFolder, "split.json")));
        var card = VoltageLagModelCard.Read(Path.Combine(options.ModelsFolder, "fasttree.json"));
        Assert.AreEqual(8, card.Features.Names.Count);
        Assert.AreEqual(-65, card.Rule.ResetMv);
        Assert.AreEqual("Score.output", card.Outputs[0].Name);
        Assert.IsTrue(File.Exists(Path.Combine(options.ModelsFolder, "fasttree.onnx")));
        var surrogate = StateSpaceModelCard.Read(Path.Combine(options.ModelsFolder, "surrogate.json"));
        Assert.AreEqual(8, surrogate.Rule.RecoveryIncrement);
        Assert.AreEqual(-13, surrogate.State.InitialRecovery, 1e-12);
        Assert.HasCount(4, surrogate.State.FeatureScale);
        Assert.IsTrue(File.Exists(Path.Combine(options.ModelsFolder, "surrogate_rollout.onnx")));
        var generalization = root.GetProperty("generalization").GetProperty("surrogate");
        Assert.AreEqual(26, generalization.GetProperty("fi_curve").GetArrayLength());
        Assert.IsTrue(File.Exists(Path.Combine(options.ResultsFolder, "plots", "test_trace_1.png")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(options.ResultsFolder, "report.md")), "## Generalization");
    }
}
