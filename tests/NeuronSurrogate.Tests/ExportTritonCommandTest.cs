namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class ExportTritonCommandTest
{
    private static string Model(string name) => TestPaths.Model(name);

    [TestMethod]
    public void ExportTritonCommandTest_WritesTheRepositoryLayout()
    {
        using var folder = new TempFolder();
        string repository = folder.File("triton");
        var (code, output, error) = CliRunner.Run("export-triton", "--model", Model("surrogate.onnx"), "--out", repository);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "tritonserver --model-repository=");
        CollectionAssert.AreEqual(File.ReadAllBytes(Model("surrogate.onnx")), File.ReadAllBytes(Path.Combine(repository, "surrogate", "1", "model.onnx")));
        string config = File.ReadAllText(Path.Combine(repository, "surrogate", "config.pbtxt"));
        StringAssert.Contains(config, "name: \"surrogate\"");
        StringAssert.Contains(config, "backend: \"onnxruntime\"");
        StringAssert.Contains(config, "max_batch_size: 65536");
        StringAssert.Contains(config, "name: \"state\"\n    data_type: TYPE_FP32\n    dims: [ 3 ]");
        StringAssert.Contains(config, "name: \"increment\"\n    data_type: TYPE_FP32\n    dims: [ 2 ]");
        StringAssert.Contains(config, "dynamic_batching");

        Assert.AreEqual(0, CliRunner.Run("export-triton", "-m", Model("surrogate_rollout.onnx"), "-o", repository, "--name", "rollout").ExitCode);
        string rollout = File.ReadAllText(Path.Combine(repository, "rollout", "config.pbtxt"));
        StringAssert.Contains(rollout, "name: \"currents\"\n    data_type: TYPE_FP32\n    dims: [ -1 ]");
        StringAssert.Contains(rollout, "name: \"voltages\"\n    data_type: TYPE_FP32\n    dims: [ -1 ]");

        Assert.AreEqual(0, CliRunner.Run("export-triton", "-m", Model("fasttree.onnx"), "-o", repository).ExitCode);
        string tree = File.ReadAllText(Path.Combine(repository, "fasttree", "config.pbtxt"));
        StringAssert.Contains(tree, "name: \"Features\"\n    data_type: TYPE_FP32\n    dims: [ 16 ]");
    }

    [TestMethod]
    public void ExportTritonCommandTest_BadModelIsAnInputError()
    {
        using var folder = new TempFolder();
        string junk = folder.Write("junk.onnx", "not a model");
        var (code, _, error) = CliRunner.Run("export-triton", "--model", junk, "--out", folder.File("t"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "expected a valid ONNX model");
        Assert.IsFalse(Directory.Exists(folder.File("t")));
        Assert.AreEqual(2, CliRunner.Run("export-triton", "--model", Model("surrogate.onnx"), "--out", folder.File("t"), "--name", "a/b").ExitCode);
    }
}
