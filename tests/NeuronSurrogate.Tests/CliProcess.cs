using System.Diagnostics;

namespace NeuronSurrogate.Tests;

/// <summary>
/// Runs the built command line as a child process, for what an in-process run cannot show: the process's own
/// standard streams and signals.
/// </summary>
internal static class CliProcess
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "neuron-surrogate.dll");

    /// <summary>The <c>dotnet</c> host the test run uses (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A start record for the CLI with every standard stream redirected; <paramref name="prefix"/> runs it through another program.</summary>
    public static ProcessStartInfo StartInfo(string[] args, params string[] prefix)
    {
        var info = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : DotNet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in prefix.Skip(1))
        {
            info.ArgumentList.Add(a);
        }
        if (prefix.Length > 0)
        {
            info.ArgumentList.Add(DotNet);
        }
        info.ArgumentList.Add(Cli);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        return info;
    }

    /// <summary>Runs the CLI to the end with <paramref name="input"/> on its standard input.</summary>
    public static (int ExitCode, string Out, string Error) Run(string? input, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the CLI did not finish within 2 minutes: {string.Join(' ', args)}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
