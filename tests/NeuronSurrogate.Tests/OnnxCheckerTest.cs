using System.Diagnostics;

namespace NeuronSurrogate.Tests;

/// <summary>
/// Every shipped ONNX graph passes the ONNX project's own checker (<c>onnx.checker.check_model</c> with full shape
/// inference), run by Python outside .NET. Needs Debian's python3-onnx, which .ci/run installs; where it is missing the
/// test is inconclusive and says why.
/// </summary>
[TestClass]
[TestCategory("Onnx")]
public sealed class OnnxCheckerTest
{
    private const string Script = """
        import glob, sys
        try:
            import onnx
        except ImportError:
            print("missing"); sys.exit(3)
        failed = 0
        for path in sorted(glob.glob(sys.argv[1] + "/*.onnx")):
            model = onnx.load(path)
            try:
                onnx.checker.check_model(model, full_check=True)
                print("ok", path, model.opset_import[0].version)
            except Exception as error:
                failed += 1
                print("FAIL", path, str(error).splitlines()[0])
        sys.exit(1 if failed else 0)
        """;

    [TestMethod]
    public void OnnxCheckerTest_EveryShippedGraphIsClean()
    {
        // Debian's own Python, where python3-onnx installs (a python3 earlier on PATH, such as pyenv's, would not see it).
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python, ["-c", Script, Path.Combine(TestPaths.Root, "models")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Inconclusive($"python3 is missing here: {e.Message}");
            return;
        }
        using (process)
        {
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 3)
            {
                Assert.Inconclusive("the onnx Python package is missing here (Debian: apt-get install python3-onnx)");
            }
            Assert.AreEqual(0, process.ExitCode, output + error);
            var checkedModels = output.Split('\n').Where(l => l.StartsWith("ok ", StringComparison.Ordinal)).ToArray();
            Assert.IsGreaterThanOrEqualTo(9, checkedModels.Length, output);
            Assert.IsTrue(checkedModels.Any(l => l.Contains("hh_latent_rollout.onnx 17", StringComparison.Ordinal)), output);
        }
    }
}
