using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Tests;

/// <summary>
/// Outputs that are not plain files: a symbolic link stays a link, a pipe or a device is written as a stream and
/// never replaced, <c>-</c> is standard output (and standard input), failed writes and signals are reported.
/// </summary>
[TestClass]
public sealed class OutputPathTest
{
    private const string Currents = "run,neuron,time_ms,current\n0,0,0,10\n0,0,0.1,10\n0,0,0.2,10\n1,0,0,5\n1,0,0.1,5\n";

    private static readonly string[] SmallDataset = ["--runs", "2", "--neurons", "2", "--steps", "40"];

    private static void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("needs Unix pipes, sockets and devices");
        }
    }

    private static string Simulated(TempFolder folder)
    {
        string input = folder.Write("in.csv", Currents);
        string expected = folder.File("expected.csv");
        Assert.AreEqual(0, CliRunner.Run("simulate", "--input", input, "--output", expected).ExitCode);
        return File.ReadAllText(expected);
    }

    private static void AssertNoTemporaryFiles(string folder) =>
        Assert.IsEmpty(Directory.GetFiles(folder, ".*.tmp"), $"temporary files left in {folder}");

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo");
        Assert.AreEqual(PathKind.NamedPipe, FileStatus.KindOf(path));
    }

    [TestMethod]
    public void OutputPathTest_SymbolicLinkStaysALinkAndItsTargetIsReplaced()
    {
        using var folder = new TempFolder();
        string expected = Simulated(folder);
        Directory.CreateDirectory(folder.File("elsewhere"));
        string target = folder.Write(Path.Combine("elsewhere", "target.csv"), "old content\n");
        string link = folder.File("link.csv");
        File.CreateSymbolicLink(link, Path.Combine("elsewhere", "target.csv"));
        string chain = folder.File("chain.csv");
        File.CreateSymbolicLink(chain, link);

        var (code, _, error) = CliRunner.Run("simulate", "--input", folder.File("in.csv"), "--output", chain);

        Assert.AreEqual(0, code, error);
        Assert.AreEqual(PathKind.SymbolicLink, FileStatus.KindOf(chain, followLinks: false));
        Assert.AreEqual(PathKind.SymbolicLink, FileStatus.KindOf(link, followLinks: false));
        Assert.AreEqual(link, new FileInfo(chain).LinkTarget);
        Assert.AreEqual(expected, File.ReadAllText(target), "the file the links name holds the new content");
        AssertNoTemporaryFiles(folder.Path);
        AssertNoTemporaryFiles(folder.File("elsewhere"));
    }

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void OutputPathTest_ReplacedFileKeepsItsPermissions()
    {
        RequireUnix();
        using var folder = new TempFolder();
        Simulated(folder);
        string output = folder.Write("out.csv", "old\n");
        File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.AreEqual(0, CliRunner.Run("simulate", "--input", folder.File("in.csv"), "--output", output).ExitCode);
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(output));
    }

    [TestMethod]
    public void OutputPathTest_LinkIntoAReadOnlyFolderIsBadInputAndTheLinkStays()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("needs Linux /proc");
        }
        using var folder = new TempFolder();
        string input = folder.Write("in.csv", Currents);
        string link = folder.File("link.csv");
        File.CreateSymbolicLink(link, "/proc/neuron-surrogate-out.csv");
        var (code, _, error) = CliRunner.Run("simulate", "--input", input, "--output", link);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "expected a writable folder");
        Assert.AreEqual("/proc/neuron-surrogate-out.csv", new FileInfo(link).LinkTarget);
    }

    [TestMethod]
    public void OutputPathTest_NamedPipeIsWrittenToItsReaderAndStaysAPipe()
    {
        RequireUnix();
        using var folder = new TempFolder();
        string expected = Simulated(folder);
        string fifo = folder.File("pipe.csv");
        MakeFifo(fifo);
        var reader = Task.Run(() => File.ReadAllText(fifo));

        var (code, stdout, error) = CliRunner.Run("simulate", "--input", folder.File("in.csv"), "--output", fifo);

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(stdout, "wrote " + fifo);
        Assert.IsTrue(reader.Wait(TimeSpan.FromSeconds(30)), "the pipe's reader got end of file");
        Assert.AreEqual(expected, reader.Result);
        Assert.AreEqual(PathKind.NamedPipe, FileStatus.KindOf(fifo), "the pipe is still a pipe");
        AssertNoTemporaryFiles(folder.Path);
    }

    [TestMethod]
    public void OutputPathTest_UnixSocketIsWrittenToItsListener()
    {
        RequireUnix();
        using var folder = new TempFolder();
        string expected = Simulated(folder);
        string path = folder.File("out.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var received = Task.Run(() =>
        {
            using var connection = listener.Accept();
            using var stream = new NetworkStream(connection);
            using var text = new StreamReader(stream, Encoding.UTF8);
            return text.ReadToEnd();
        });

        var (code, _, error) = CliRunner.Run("simulate", "--input", folder.File("in.csv"), "--output", path);

        Assert.AreEqual(0, code, error);
        Assert.IsTrue(received.Wait(TimeSpan.FromSeconds(30)));
        Assert.AreEqual(expected, received.Result);
        Assert.AreEqual(PathKind.Socket, FileStatus.KindOf(path));
    }

    [TestMethod]
    public void OutputPathTest_FullDeviceIsOneLineExitOneForEveryCommand()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Inconclusive("needs /dev/full");
        }
        using var folder = new TempFolder();
        Simulated(folder);
        string input = folder.File("in.csv"), traces = folder.File("expected.csv");
        foreach (var args in new[]
        {
            new[] { "simulate", "--input", input, "--output", "/dev/full" },
            ["generate", .. SmallDataset, "--out", "/dev/full"],
            ["evaluate", "--truth", traces, "--prediction", traces, "--column", "voltage", "--json", "/dev/full"],
            ["predict", "--model", TestPaths.Model("surrogate.onnx"), "--input", input, "--output", "/dev/full"],
        })
        {
            var (code, _, error) = CliRunner.Run(args);
            Assert.AreEqual(1, code, $"{args[0]}: {error}");
            StringAssert.StartsWith(error, "error: /dev/full: writing failed", args[0]);
            Assert.HasCount(1, error.TrimEnd('\n').Split('\n'), error);
            Assert.AreEqual(PathKind.CharacterDevice, FileStatus.KindOf("/dev/full"), "the device is still a device");
        }
    }

    [TestMethod]
    public void OutputPathTest_TrainAppReportsAFailedWriteInOneLine()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Inconclusive("needs /dev/full");
        }
        using var folder = new TempFolder();
        string dataset = folder.File("d.csv");
        Assert.AreEqual(0, CliRunner.Run("generate", "--runs", "20", "--neurons", "2", "--steps", "100", "--recovery", "--out", dataset).ExitCode);
        // split.json is the first result the Train app writes, right after the split and before any training.
        Directory.CreateDirectory(folder.File("results"));
        File.CreateSymbolicLink(folder.File(Path.Combine("results", "split.json")), "/dev/full");
        using var process = Process.Start(new ProcessStartInfo(CliProcess.DotNet)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "NeuronSurrogate.Train.dll"), "--dataset", dataset, "--results", folder.File("results"), "--models", folder.File("models") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(2)));
        _ = stdout.Result;
        Assert.AreEqual(1, process.ExitCode, error);
        StringAssert.Contains(error, "split.json: writing failed (No space left on device");
    }

    [TestMethod]
    public void OutputPathTest_DashIsStandardOutputWithMessagesOnStandardError()
    {
        using var folder = new TempFolder();
        string expected = Simulated(folder);
        var (code, stdout, error) = CliProcess.Run(null, "simulate", "--input", folder.File("in.csv"), "--output", "-");
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(expected, stdout, "standard output holds exactly the CSV");
        StringAssert.Contains(error, "wrote standard output: 2 traces, 5 rows");
        Assert.IsFalse(File.Exists(folder.File("-")), "no file named '-'");
        Assert.IsFalse(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")), "no file named '-'");
        if (OperatingSystem.IsLinux())
        {
            // /dev/stdout leads, through /proc, to a pipe with no path of its own: written as a stream, messages off it.
            var alias = CliProcess.Run(null, "simulate", "--input", folder.File("in.csv"), "--output", "/dev/stdout");
            Assert.AreEqual(0, alias.ExitCode, alias.Error);
            Assert.AreEqual(expected, alias.Out);
            StringAssert.Contains(alias.Error, "wrote /dev/stdout");
        }

        string file = folder.File("dataset.csv");
        Assert.AreEqual(0, CliRunner.Run(["generate", .. SmallDataset, "--out", file]).ExitCode);
        var generated = CliProcess.Run(null, ["generate", .. SmallDataset, "--out", "-"]);
        Assert.AreEqual(0, generated.ExitCode, generated.Error);
        Assert.AreEqual(File.ReadAllText(file), generated.Out);

        var json = CliProcess.Run(null, "evaluate", "--truth", file, "--prediction", file, "--column", "voltage", "--json", "-");
        Assert.AreEqual(0, json.ExitCode, json.Error);
        StringAssert.StartsWith(json.Out.TrimStart(), "{");
        StringAssert.Contains(json.Error, "gamma");
    }

    [TestMethod]
    public void OutputPathTest_DashIsStandardInput()
    {
        using var folder = new TempFolder();
        string expected = Simulated(folder);
        string output = folder.File("from-stdin.csv");
        var (code, _, error) = CliProcess.Run(Currents, "simulate", "--input", "-", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(expected, File.ReadAllText(output));

        var piped = CliProcess.Run(Currents, "simulate", "--input", "-", "--output", "-");
        Assert.AreEqual(0, piped.ExitCode, piped.Error);
        Assert.AreEqual(expected, piped.Out);

        var bad = CliProcess.Run("run,neuron,time_ms\n0,0,0\n", "simulate", "--input", "-", "--output", output);
        Assert.AreEqual(2, bad.ExitCode);
        StringAssert.Contains(bad.Error, "standard input, line 1, column 'current'");
        Assert.AreEqual(expected, File.ReadAllText(output), "a failed run keeps the previous output");
    }

    [TestMethod]
    public void OutputPathTest_ReaderThatGoesAwayIsExitOne()
    {
        using var process = Process.Start(CliProcess.StartInfo(["generate", "--runs", "60", "--out", "-"]))!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.IsNotNull(process.StandardOutput.ReadLine());
        process.StandardOutput.Close();
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.AreEqual(1, process.ExitCode, stderr.Result);
        StringAssert.StartsWith(stderr.Result, "error: standard output: writing failed");
    }

    [TestMethod]
    [DataRow("TERM", 143)]
    [DataRow("INT", 130)]
    public void OutputPathTest_SignalDuringAWriteKeepsThePreviousFile(string signal, int exitCode)
    {
        RequireUnix();
        // A child started from a background job inherits an ignored SIGINT (POSIX), and .NET keeps it ignored;
        // perl (essential on Debian) restores the default before it runs the CLI.
        string[] prefix = signal == "INT" ? ["perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"] : [];
        if (prefix.Length > 0 && !File.Exists("/usr/bin/perl"))
        {
            Assert.Inconclusive("needs perl to give the child a default SIGINT");
        }
        using var folder = new TempFolder();
        string output = folder.Write("data.csv", "previous content\n");
        using var process = Process.Start(CliProcess.StartInfo(["generate", "--runs", "400", "--out", output], prefix))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        // The write has begun once a temporary holds bytes (the empty one beside it at start-up is the writability probe).
        while (!Directory.GetFiles(folder.Path, ".data.csv.*.tmp").Any(WriteHasBegun) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Sleep(2);
        }
        Assert.IsFalse(process.HasExited, $"the write ended before the signal could be sent: {stderr.Result}");
        using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(1)));
        _ = stdout.Result;
        Assert.AreEqual(exitCode, process.ExitCode, stderr.Result);
        StringAssert.Contains(stderr.Result, $"interrupted by SIG{signal}");
        StringAssert.Contains(stderr.Result, "data.csv keeps its previous content");
        Assert.AreEqual("previous content\n", File.ReadAllText(output));
        AssertNoTemporaryFiles(folder.Path);
    }

    private static bool WriteHasBegun(string temporary)
    {
        try
        {
            return new FileInfo(temporary).Length > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [TestMethod]
    public void OutputPathTest_ExportTritonNeedsAFolderNotStandardOutput()
    {
        var (code, _, error) = CliRunner.Run("export-triton", "--model", TestPaths.Model("surrogate.onnx"), "--out", "-");
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "expected a folder");
    }
}
