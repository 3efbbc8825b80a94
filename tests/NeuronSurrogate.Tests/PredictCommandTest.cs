namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class PredictCommandTest
{
    private static string ShippedModel(string name) => TestPaths.Model(name);

    private static string Currents(TempFolder folder, string name = "currents.csv", string extra = "")
    {
        string truth = folder.File("truth.csv");
        Assert.AreEqual(0, CliRunner.Run(["generate", "--runs", "3", "--neurons", "2", "--steps", "600", "--seed", "1234", "--recovery", "--out", truth, .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)]).ExitCode);
        return folder.Write(name, string.Join('\n', File.ReadLines(truth).Select(l => string.Join(',', l.Split(',').Take(4)))) + "\n");
    }

    [TestMethod]
    public void PredictCommandTest_ShippedSurrogateReproducesUnseenTraces()
    {
        using var folder = new TempFolder();
        string input = Currents(folder);
        string output = folder.File("p.csv");
        var (code, stdout, error) = CliRunner.Run("predict", "--model", ShippedModel("surrogate.onnx"), "--input", input, "--output", output, "--batch-size", "4");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(stdout, "6 traces");
        Assert.AreEqual("run,neuron,time_ms,current,predicted_voltage,predicted_spike", File.ReadLines(output).First());
        string json = folder.File("m.json");
        Assert.AreEqual(0, CliRunner.Run("evaluate", "-t", folder.File("truth.csv"), "-p", output, "--json", json).ExitCode);
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.IsGreaterThan(0.95, metrics.RootElement.GetProperty("gamma").GetDouble());
        Assert.IsLessThan(1.0, metrics.RootElement.GetProperty("rmse_subthreshold_mv").GetDouble());
    }

    [TestMethod]
    public void PredictCommandTest_TeacherForcedAndFastTree()
    {
        using var folder = new TempFolder();
        Currents(folder);
        string truth = folder.File("truth.csv");
        var forced = CliRunner.Run("predict", "-m", ShippedModel("surrogate.onnx"), "-i", truth, "-o", folder.File("tf.csv"), "--mode", "teacher-forced");
        Assert.AreEqual(0, forced.ExitCode, forced.Error);
        var tree = CliRunner.Run("predict", "-m", ShippedModel("fasttree.onnx"), "-i", truth, "-o", folder.File("ft.csv"));
        Assert.AreEqual(0, tree.ExitCode, tree.Error);
        var header = File.ReadLines(folder.File("ft.csv")).First();
        Assert.AreEqual("run,neuron,time_ms,current,voltage,spike,recovery,predicted_voltage,predicted_spike", header);
    }

    [TestMethod]
    public void PredictCommandTest_BadModelsAndInputsAreClearErrors()
    {
        using var folder = new TempFolder();
        string input = Currents(folder);
        string output = folder.File("p.csv");
        void Bad(string fragment, params string[] args)
        {
            var (code, _, error) = CliRunner.Run(["predict", .. args]);
            Assert.AreEqual(2, code, error);
            StringAssert.Contains(error, fragment);
            Assert.HasCount(1, error.TrimEnd().Split('\n'), error);
            Assert.IsFalse(File.Exists(output));
        }
        Bad("expected the true state columns for teacher-forced mode", "-m", ShippedModel("surrogate.onnx"), "-i", input, "-o", output, "--mode", "teacher-forced");
        Bad("expected an existing ONNX model file", "-m", folder.File("none.onnx"), "-i", input, "-o", output);
        string junk = folder.Write("junk.onnx", "not a model");
        folder.Write("junk.json", File.ReadAllText(ShippedModel("surrogate.json")));
        Bad("expected a valid ONNX model", "-m", junk, "-i", input, "-o", output);
        File.Copy(ShippedModel("surrogate.onnx"), folder.File("nocard.onnx"));
        Bad("expected an existing model card", "-m", folder.File("nocard.onnx"), "-i", input, "-o", output);
        File.Copy(ShippedModel("fasttree.onnx"), folder.File("mismatch.onnx"));
        folder.Write("mismatch.json", File.ReadAllText(ShippedModel("surrogate.json")));
        Bad("expected a 2-D float input named 'state' (the graph's inputs: Features, Label)", "-m", folder.File("mismatch.onnx"), "-i", input, "-o", output);
        string coarse = folder.File("coarse.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "1", "--neurons", "1", "--steps", "50", "--dt", "0.05", "--out", coarse).ExitCode);
        Bad("expected the model's time step dt = 0.1 ms", "-m", ShippedModel("surrogate.onnx"), "-i", coarse, "-o", output);
        Bad("--batch-size 0", "-m", ShippedModel("surrogate.onnx"), "-i", input, "-o", output, "--batch-size", "0");
    }
}
