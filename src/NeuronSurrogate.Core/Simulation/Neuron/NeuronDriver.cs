using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// Starts the project's NEURON driver (<c>neuron_driver.py</c>, shipped inside this assembly and written to a
/// temporary file) in a Python that can import NEURON, with a time limit, and turns its failures into one-line
/// errors: <see cref="InputException"/> for the cell file, <see cref="SimulatorException"/> for everything else.
/// </summary>
internal static class NeuronDriver
{
    /// <summary>The driver's exit code for a problem in the cell file; 5 means NEURON's module could not be imported.</summary>
    private const int CellProblem = 3, NoNeuron = 5;

    private const string ErrorMark = "neuron-surrogate-error:";

    private static readonly Lazy<string> Script = new(WriteScript);

    /// <summary>NEURON processes and shard folders in use, ended and removed if this process exits first (SIGINT, SIGTERM).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, byte> Running = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Folders = new();

    static NeuronDriver()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Keys)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is InvalidOperationException or Win32Exception)
                {
                }
            }
            foreach (var folder in Folders.Keys)
            {
                DeleteFolder(folder);
            }
        };
    }

    /// <summary>A fresh folder for one batch's shard files, removed by <see cref="DeleteFolder"/> or at exit.</summary>
    public static string CreateShardFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "neuron-surrogate", "shards-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Folders[folder] = 0;
        return folder;
    }

    /// <summary>Removes a shard folder, ignoring what cannot be removed.</summary>
    public static void DeleteFolder(string folder)
    {
        Folders.TryRemove(folder, out _);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The one-line hint for a machine without NEURON.</summary>
    public const string InstallHint = "NEURON 8.2 is not installed for any Python found: on Debian or Ubuntu `apt-get install python3-neuron`, elsewhere `pip install neuron`; or set NEURON_PYTHON to a Python that can `import neuron`";

    /// <summary>The Pythons to try, in order.</summary>
    public static IReadOnlyList<string> Candidates(NeuronCellOptions options)
    {
        if (options.Python is { Length: > 0 } chosen)
        {
            return [chosen];
        }
        var list = new List<string>();
        if (Environment.GetEnvironmentVariable("NEURON_PYTHON") is { Length: > 0 } fromEnvironment)
        {
            list.Add(fromEnvironment);
        }
        list.Add("python3");
        if (File.Exists("/usr/bin/python3"))
        {
            list.Add("/usr/bin/python3");
        }
        return list;
    }

    /// <summary>Runs the driver with <paramref name="arguments"/>; returns its standard output.</summary>
    /// <param name="python">The Python.</param>
    /// <param name="arguments">The driver's arguments.</param>
    /// <param name="timeoutSeconds">The time limit.</param>
    /// <param name="what">What runs, for messages ("cell file X", "shard 2/4 of ...").</param>
    /// <param name="cellPath">The cell file, named by cell errors.</param>
    /// <returns>Null when this Python cannot import NEURON (try the next one); else the driver's standard output.</returns>
    public static string? Run(string python, IReadOnlyList<string> arguments, double timeoutSeconds, string what, string cellPath)
    {
        var info = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Script.Value);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        // No window is wanted; without a display NEURON only prints a warning on standard output, which is ignored.
        info.Environment.Remove("DISPLAY");
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SimulatorException($"{what}: {python} did not start");
        }
        catch (Win32Exception)
        {
            return null;
        }
        Running[process] = 0;
        using (process)
        {
            try
            {
                return Wait(process, timeoutSeconds, what, cellPath);
            }
            finally
            {
                Running.TryRemove(process, out _);
            }
        }
    }

    private static string? Wait(Process process, double timeoutSeconds, string what, string cellPath)
    {
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the wait and the kill.
            }
            process.WaitForExit();
            throw new SimulatorException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: NEURON did not finish within {timeoutSeconds:0.#} s and was stopped; nothing was written"));
        }
        process.WaitForExit();
        string error = stderr.Result;
        string output = stdout.Result;
        if (process.ExitCode == 0)
        {
            return output;
        }
        string? line = error.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(ErrorMark, StringComparison.Ordinal));
        string message = line is null ? LastLine(error) : line[ErrorMark.Length..].Trim();
        switch (process.ExitCode)
        {
            case NoNeuron:
                return null;
            case CellProblem:
                throw InputException.About(cellPath, $"a NEURON cell file that loads ({message})");
            default:
                throw new SimulatorException(string.Create(CultureInfo.InvariantCulture,
                    $"{what}: the NEURON process failed with exit code {process.ExitCode} ({message}); nothing was written"));
        }
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no message" : lines[^1];
    }

    private static string WriteScript()
    {
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("NeuronSurrogate.Simulation.Neuron.neuron_driver.py")
            ?? throw new InvalidOperationException("the NEURON driver script is missing from the assembly");
        string folder = Path.Combine(Path.GetTempPath(), "neuron-surrogate");
        Directory.CreateDirectory(folder);
        using var memory = new MemoryStream();
        resource.CopyTo(memory);
        byte[] bytes = memory.ToArray();
        // Named by content, so processes of different versions never overwrite each other's driver.
        string path = Path.Combine(folder, $"neuron_driver_{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}.py");
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            string temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        return path;
    }
}
