using System.Text.Json;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Features;
using NeuronSurrogate.Torch;
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
        AtomicFile.Write(dataset, s => DatasetCsvWriter.WriteDataset(s, batch));
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
            Latent = new LatentSettings { Iterations = 4, MaxWindowSteps = 200 },
            OodTraces = 1,
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
        foreach (string model in new[] { "mlp", "latent", "fasttree", "constant_rest", "train_mean", "input_blind" })
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
        var ood = generalization.GetProperty("out_of_distribution");
        Assert.AreEqual(1, ood.GetProperty("traces_per_family").GetInt32());
        Assert.AreEqual(3, ood.GetProperty("gamma").GetArrayLength(), "Γ over 250 ms, 500 ms and the whole second");
        Assert.AreEqual(8, ood.GetProperty("families_gamma").EnumerateObject().Count(), "one Γ per out-of-distribution family");
        Assert.IsTrue(ood.GetProperty("gamma").EnumerateArray().All(g => g.GetDouble() is >= 0 and <= 1 + 1e-9));
        var latent = LatentModelCard.Read(Path.Combine(options.ModelsFolder, "latent.json"));
        Assert.AreEqual(30, latent.Rule!.PeakMv, "the reset rule is read off the training traces");
        Assert.AreEqual(-65, latent.Rule.ResetMv);
        CollectionAssert.AreEqual(new[] { "current" }, latent.Latent.Inputs.Select(i => i.Column).ToArray(), "the latent model reads the current only");
        Assert.IsTrue(File.Exists(Path.Combine(options.ModelsFolder, "latent_rollout.onnx")));
        Assert.AreEqual(26, root.GetProperty("generalization").GetProperty("latent").GetProperty("fi_curve").GetArrayLength());
        // Plots need fonts on the machine; without them the job warns and goes on (the metrics must never be lost).
        Assert.IsTrue(File.Exists(Path.Combine(options.ResultsFolder, "plots", "test_trace_1.png")) || log.Any(l => l.StartsWith("warning: plots not written", StringComparison.Ordinal)),
            string.Join('\n', log));
        StringAssert.Contains(File.ReadAllText(Path.Combine(options.ResultsFolder, "report.md")), "## Generalization");
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void TrainPipelineTest_SameSeedGivesTheSameBytes()
    {
        using var folder = new TempFolder();
        string dataset = folder.File("d.csv");
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = 20, NeuronsPerRun = 2, Steps = 200, IncludeRecovery = true });
        AtomicFile.Write(dataset, s => DatasetCsvWriter.WriteDataset(s, batch));
        TrainOptions Options(string name) => new()
        {
            DatasetPath = dataset,
            ResultsFolder = folder.File($"results_{name}"),
            ModelsFolder = folder.File($"models_{name}"),
            VoltageLags = 2,
            CurrentLags = 2,
            Epochs = 1,
            Hidden = [8],
            PlotTraces = 0,
            Latent = new LatentSettings { Iterations = 3, MaxWindowSteps = 200 },
        };
        Assert.AreEqual(0, new TrainPipeline(Options("a"), _ => { }).Run());
        Assert.AreEqual(0, new TrainPipeline(Options("b"), _ => { }).Run());
        foreach (string file in new[] { "surrogate.onnx", "surrogate_rollout.onnx", "surrogate.json", "fasttree.onnx", "fasttree.json", "latent.onnx", "latent_rollout.onnx", "latent.json" })
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(folder.File("models_a"), file)), File.ReadAllBytes(Path.Combine(folder.File("models_b"), file)), file);
        }
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(folder.File("results_a"), "metrics.json")), File.ReadAllBytes(Path.Combine(folder.File("results_b"), "metrics.json")));
    }

    [TestMethod]
    public void TrainPipelineTest_BadDatasetsAreInputErrorsAndWriteNothing()
    {
        using var folder = new TempFolder();
        TrainOptions Options(string dataset) => new()
        {
            DatasetPath = dataset,
            ResultsFolder = folder.File("results"),
            ModelsFolder = folder.File("models"),
        };
        var missing = Assert.ThrowsExactly<InputException>(() => new TrainPipeline(Options(folder.File("none.csv")), _ => { }).Run());
        StringAssert.Contains(missing.Message, "expected an existing dataset");
        string bad = folder.Write("bad.csv", "run,neuron,time_ms,current,voltage,spike\n0,0,0,1,-65,0\n0,0,0.1,x,-64,0\n");
        var malformed = Assert.ThrowsExactly<InputException>(() => new TrainPipeline(Options(bad), _ => { }).Run());
        StringAssert.Contains(malformed.Message, "line 3 (data row 2), column 'current': value 'x'");
        Assert.IsFalse(Directory.Exists(folder.File("results")) && Directory.EnumerateFiles(folder.File("results")).Any());
        Assert.IsFalse(Directory.Exists(folder.File("models")));
    }
}
