using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// Simulator throughput in neuron-steps per second (currents read from memory, voltages recorded to memory),
/// reference path vs fast path, for the default dataset and for 100 000 traces; and <c>generate</c> with defaults.
/// Writes <c>results/benchmarks/simulator.md</c>.
/// </summary>
internal static class SimulatorBenchmark
{
    public static void Run(string root, bool quick)
    {
        var report = new StringBuilder();
        var options = new IzhikevichSimulationOptions();
        int cores = Environment.ProcessorCount;
        report.AppendLine("# Simulator benchmark");
        report.AppendLine();
        report.AppendLine(Invariant($"Machine: {CpuModel()}, {cores} cores; .NET {Environment.Version}; 512-bit vectors accelerated: {Vector512.IsHardwareAccelerated}, 256-bit: {Vector256.IsHardwareAccelerated}."));
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} with `dotnet run -c Release --project src/Benchmarks -- simulator`. Median of the repeats after a warm-up; the best run in brackets."));
        report.AppendLine("RS neuron, forward Euler, dt = 0.1 ms, i.i.d. Gaussian currents (mean 10, s.d. 5). Every path is double precision and");
        report.AppendLine("gives bit-identical voltages (tested). Neuron-steps/s = traces × steps / wall time; the currents are read from memory and every");
        report.AppendLine("step's voltage is written to memory.");
        report.AppendLine();
        report.AppendLine("| traces × steps | path | threads | wall (ms) | neuron-steps/s | vs reference |");
        report.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (int traces in quick ? new[] { 1500 } : new[] { 1500, 100_000 })
        {
            const int steps = 1000;
            var currents = new double[traces * steps];
            Parallel.For(0, traces, trace => StimulusGenerator.Fill(new StimulusOptions(), 42, trace / 5, trace % 5, 0.1, currents.AsSpan(trace * steps, steps)));
            var timeMajorCurrents = Transpose(currents, traces);
            var voltages = new double[currents.Length];
            int repeats = traces > 10_000 ? 9 : 15;
            double reference = 0;
            void Row(string path, int threads, (double Median, double Best) time)
            {
                double rate = (double)traces * steps / time.Median;
                if (reference == 0)
                {
                    reference = rate;
                }
                report.AppendLine(Invariant($"| {traces:N0} × {steps} | {path} | {threads} | {time.Median * 1e3:F1} ({time.Best * 1e3:F1}) | {rate:E2} | {rate / reference:F1}× |"));
                Console.WriteLine(Invariant($"{traces} {path} {threads}: {rate:E3} neuron-steps/s"));
            }
            Row("reference (scalar, per trace)", 1, Measurement.Time(() =>
            {
                for (int trace = 0; trace < traces; trace++)
                {
                    IzhikevichReferenceSimulator.Simulate(options, currents.AsSpan(trace * steps, steps), voltages.AsSpan(trace * steps, steps));
                }
            }, Math.Max(1, repeats / 3)));
            Row("reference (scalar, per trace)", cores, Measurement.Time(() =>
                Parallel.For(0, traces, trace => IzhikevichReferenceSimulator.Simulate(options, currents.AsSpan(trace * steps, steps), voltages.AsSpan(trace * steps, steps))),
                Math.Max(1, repeats / 3)));
            foreach (int threads in new[] { 1, cores })
            {
                Row("fast, trace-major [trace, step]", threads, Measurement.Time(() =>
                    IzhikevichBatchSimulator.SimulateTraceMajor(options, currents, voltages, traces, maxDegreeOfParallelism: threads), repeats));
            }
            foreach (int threads in new[] { 1, cores })
            {
                Row("fast, time-major [step, trace]", threads, Measurement.Time(() =>
                    IzhikevichBatchSimulator.SimulateTimeMajor(options, timeMajorCurrents, voltages, traces, maxDegreeOfParallelism: threads), repeats));
            }
        }
        report.AppendLine();
        GenerateRows(report, root);
        string path = Path.Combine(root, "results", "benchmarks", "simulator.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteText(path, report.ToString());
        Console.WriteLine($"wrote {path}");
    }

    /// <summary>The CLI built beside this benchmark (same configuration), found through the repository, not referenced.</summary>
    private static string CliExecutable(string root)
    {
        var parts = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        string configuration = parts.Length >= 2 ? parts[^2] : "Release";
        string framework = parts.Length >= 1 ? parts[^1] : "net10.0";
        return Path.Combine(root, "src", "Cli", "bin", configuration, framework, "neuron-surrogate.dll");
    }

    private static void GenerateRows(StringBuilder report, string root)
    {
        string folder = Path.Combine(Path.GetTempPath(), "neuron-surrogate-bench");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "spike_dataset.csv");
        report.AppendLine("## `generate` with defaults (300 runs × 5 neurons × 1000 steps → 1 500 000 CSV rows)");
        report.AppendLine();
        report.AppendLine("| what | wall (ms) |");
        report.AppendLine("|---|---:|");
        var options = new DatasetOptions();
        TraceBatch? batch = null;
        var simulate = Measurement.Time(() => batch = DatasetGenerator.Generate(options), 5);
        var write = Measurement.Time(() => AtomicFile.Write(file, stream => DatasetCsvWriter.WriteDataset(stream, batch!)), 5);
        long bytes = new FileInfo(file).Length;
        report.AppendLine(Invariant($"| stimuli + simulation, in process | {simulate.MedianSeconds * 1e3:F0} |"));
        report.AppendLine(Invariant($"| CSV write ({bytes / 1e6:F1} MB, CsvHelper, formatted on {Environment.ProcessorCount} threads), in process | {write.MedianSeconds * 1e3:F0} |"));
        string cli = CliExecutable(root);
        if (!File.Exists(cli))
        {
            report.AppendLine(Invariant($"| `neuron-surrogate generate` as a new process | not measured: {cli} not built |"));
            File.Delete(file);
            return;
        }
        var process = Measurement.Time(() =>
        {
            using var run = Process.Start(new ProcessStartInfo("dotnet", ["exec", cli, "generate", "--out", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            run.StandardOutput.ReadToEnd();
            run.WaitForExit();
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"generate exited with {run.ExitCode}");
            }
        }, 5);
        report.AppendLine(Invariant($"| `neuron-surrogate generate` as a new process (start-up, JIT, simulation, CSV write) | {process.MedianSeconds * 1e3:F0} ({process.BestSeconds * 1e3:F0}) |"));
        Console.WriteLine(Invariant($"generate process: {process.MedianSeconds:F3} s"));
        File.Delete(file);
    }

    private static double[] Transpose(double[] values, int rows)
    {
        int columns = values.Length / rows;
        var result = new double[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(long)c * rows + r] = values[(long)r * columns + c];
            }
        }
        return result;
    }

    internal static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
