using System.Diagnostics;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class LocaleTest
{
    /// <summary>
    /// The CLI as its own process with a decimal-comma locale in the environment: numbers in files stay invariant
    /// (the apps run with invariant globalization and every number crossing a file is formatted and parsed invariantly).
    /// </summary>
    [TestMethod]
    public void LocaleTest_DecimalCommaLocaleDoesNotChangeFiles()
    {
        using var folder = new TempFolder();
        string cli = Path.Combine(AppContext.BaseDirectory, "neuron-surrogate.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "generate", "--runs", "1", "--neurons", "1", "--steps", "5", "--out", folder.File("de.csv")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["LANG"] = "de_DE.UTF-8";
        start.Environment["LC_ALL"] = "de_DE.UTF-8";
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "false";
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, error);
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "1", "--neurons", "1", "--steps", "5", "--out", folder.File("inv.csv")).ExitCode);
        var lines = File.ReadAllLines(folder.File("de.csv"));
        Assert.AreEqual("0,0,0.1," + lines[2].Split(',', 4)[3], lines[2]);
        CollectionAssert.AreEqual(File.ReadAllBytes(folder.File("inv.csv")), File.ReadAllBytes(folder.File("de.csv")));
    }
}
