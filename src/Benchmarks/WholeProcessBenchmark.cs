using System.Diagnostics;
using System.Globalization;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// What a user pays: the built tool run as a process on files (start, reading, the surrogate, writing), against NEURON
/// run by the same tool (<c>simulate --neuron neuron</c>) on the same pyramidal-cell currents. The engines of one
/// workload run in turn, round after round; a time is the median over rounds, a ratio the median of the per-round
/// ratios. Writes results/benchmarks/whole_process.md.
/// </summary>
internal static class WholeProcessBenchmark
{
    private const long Seed = 9191;
    private const double DtMs = 0.1;

    /// <summary>The largest step at which NEURON's spike times on the pyramidal cell hold over 1 s traces (Γ ≥ 0.99 against a tenth of it; results/benchmarks/convergence.md): 0.1 ms holds over 100 ms, not over a second.</summary>
    private const double AccurateOverOneSecondMs = 0.0125;
    private const string Model = "models/pyramid_latent_k5.onnx";

    private sealed record Tool(string Name, string Path);

    private sealed record Job(string Name, string[] Arguments, string Tool, string Output);

    public static void Run(string root, bool quick)
    {
        var cell = NeuronCellModel.Load(Path.Combine(root, "models/cells/pyramid.py"));
        string work = Directory.CreateTempSubdirectory("neuron-surrogate-whole-").FullName;
        var tools = new List<Tool> { new("JIT build (dotnet build)", Path.Combine(root, "src/Cli/bin/Release/net10.0/neuron-surrogate")) };
        string aot = Path.Combine(root, "artifacts/cli/neuron-surrogate");
        if (File.Exists(aot))
        {
            tools.Add(new Tool("Native AOT (artifacts/cli)", aot));
        }
        var report = new StringBuilder("# Whole-process cost: the built tool on files against NEURON\n\n");
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores by `dotnet run --project src/Benchmarks -c Release -- whole`. Each figure is one process as a user starts it, from start to exit: `neuron-surrogate predict -m {Model}` (the fused engine) on currents of the pyramidal cell (mixed stimuli in the cell's range, 0–{cell.MixedMaxCurrent} nA, seed {Seed}, dt {DtMs} ms), CSV or Parquet in and out; NEURON is `neuron-surrogate simulate --neuron neuron --cell models/cells/pyramid.py` on the same file (one NEURON process per core, the cell built in each). Engines alternate within a round; times are medians over rounds, ratios medians of the per-round ratios. Peak memory is the largest resident set of the process (`/usr/bin/time`)."));
        report.AppendLine();
        try
        {
            int rounds = quick ? 1 : 3;
            Workload(report, root, work, cell, tools, "30 traces × 500 ms", traces: 30, steps: 5000, neuronTraces: 30, rounds);
            Workload(report, root, work, cell, tools, "3000 traces × 200 ms", traces: quick ? 300 : 3000, steps: 2000, neuronTraces: 30, rounds);
            Start(report, root, tools);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        string target = Path.Combine(root, "results", "benchmarks", "whole_process.md");
        AtomicFile.WriteText(target, report.ToString());
        Console.WriteLine($"wrote {target}");
    }

    private static void Workload(StringBuilder report, string root, string work, NeuronCellModel cell, List<Tool> tools, string title,
        int traces, int steps, int neuronTraces, int rounds)
    {
        string csv = Path.Combine(work, $"currents_{traces}x{steps}.csv");
        string parquet = Path.ChangeExtension(csv, ".parquet");
        WriteCurrents(csv, parquet, cell, traces, steps);
        string neuronInput = csv;
        if (neuronTraces < traces)
        {
            neuronInput = Path.Combine(work, $"currents_{neuronTraces}x{steps}.csv");
            File.WriteAllLines(neuronInput, File.ReadLines(csv).Take(1 + neuronTraces * steps));
        }
        double scale = (double)traces / neuronTraces;
        var jit = tools[0].Path;
        var runs = new List<Job>
        {
            new("NEURON, dt 0.025 ms", ["simulate", "--neuron", "neuron", "--cell", "models/cells/pyramid.py", "-i", neuronInput], jit, Path.Combine(work, "neuron_0025.csv")),
            new("NEURON, dt 0.1 ms", ["simulate", "--neuron", "neuron", "--cell", "models/cells/pyramid.py", "--solver-dt", "0.1", "-i", neuronInput], jit, Path.Combine(work, "neuron_01.csv")),
            new(Invariant($"NEURON, dt {AccurateOverOneSecondMs} ms"), ["simulate", "--neuron", "neuron", "--cell", "models/cells/pyramid.py", "--solver-dt", Invariant($"{AccurateOverOneSecondMs}"), "-i", neuronInput], jit, Path.Combine(work, "neuron_accurate.csv")),
        };
        foreach (var tool in tools)
        {
            foreach (var (format, input) in new[] { ("CSV", csv), ("Parquet", parquet) })
            {
                runs.Add(new Job(Invariant($"predict, {tool.Name}, {format}"), ["predict", "-m", Model, "-i", input], tool.Path,
                    Path.Combine(work, Invariant($"predicted_{runs.Count}{Path.GetExtension(input)}"))));
            }
        }
        var seconds = runs.ToDictionary(r => r.Name, _ => new List<double>());
        var memory = runs.ToDictionary(r => r.Name, _ => 0L);
        for (int round = 0; round < rounds; round++)
        {
            foreach (var run in runs)
            {
                var (wall, peakKb) = Time(root, run.Tool, [.. run.Arguments, "-o", run.Output]);
                seconds[run.Name].Add(wall * (run.Name.StartsWith("NEURON", StringComparison.Ordinal) ? scale : 1));
                memory[run.Name] = Math.Max(memory[run.Name], peakKb);
            }
        }
        // Fidelity of the predictions on the traces NEURON ran, against NEURON at dt 0.025 ms.
        string truth = runs[0].Output;
        string predicted = runs[3].Output;
        string scored = predicted;
        if (neuronTraces < traces)
        {
            scored = Path.Combine(work, "predicted_subset.csv");
            File.WriteAllLines(scored, File.ReadLines(predicted).Take(1 + neuronTraces * steps));
        }
        var summary = Score(truth, scored, TraceColumns.PredictedVoltage);
        var coarse = Score(truth, runs[1].Output, TraceColumns.Voltage);

        report.AppendLine(Invariant($"## {title}"));
        report.AppendLine();
        report.AppendLine(Invariant($"{(long)traces * steps:N0} rows in; {rounds} rounds.{(neuronTraces < traces ? Invariant($" NEURON measured on the first {neuronTraces} traces and scaled by {scale:F0} (one cell per process and trace: its cost is linear in the traces).") : "")}"));
        report.AppendLine();
        report.AppendLine(Invariant($"| engine | wall time (s) | × NEURON dt 0.025 | × NEURON dt 0.1 | × NEURON dt {AccurateOverOneSecondMs} | peak memory (MB) |"));
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            double median = Measurement.Median([.. seconds[run.Name]]);
            string Ratio(string neuron) => run.Name.StartsWith("NEURON", StringComparison.Ordinal) && run.Name == neuron ? "1" :
                Measurement.Median([.. seconds[neuron].Zip(seconds[run.Name], (n, p) => n / p)]).ToString("F1", CultureInfo.InvariantCulture);
            report.AppendLine(Invariant($"| {run.Name}{(run.Name.StartsWith("NEURON", StringComparison.Ordinal) && scale > 1 ? " (scaled)" : "")} | {median:F2} | {Ratio(runs[0].Name)} | {Ratio(runs[1].Name)} | {Ratio(runs[2].Name)} | {(memory[run.Name] > 0 ? (memory[run.Name] / 1024.0).ToString("F0", CultureInfo.InvariantCulture) : "–")} |"));
        }
        report.AppendLine();
        report.AppendLine(Invariant($"Fidelity on the {neuronTraces} traces NEURON ran, against NEURON at dt 0.025 ms: `pyramid_latent_k5` Γ {summary.Gamma:F3}, spike F1 {summary.SpikeF1:F3}, subthreshold RMSE {summary.RmseSubthresholdMv:F2} mV ({summary.TrueSpikes} true spikes, {summary.ModelSpikes} predicted); NEURON at dt 0.1 ms scores Γ {coarse.Gamma:F3}, F1 {coarse.SpikeF1:F3} on the same traces."));
        report.AppendLine();
        Console.WriteLine(Invariant($"{title}: done"));
    }

    /// <summary>Closed-loop scores of a column of <paramref name="predicted"/> against the voltage of <paramref name="truth"/>, trace by trace in file order.</summary>
    private static Metrics.MetricSummary Score(string truth, string predicted, string column)
    {
        var expected = new List<double[]>();
        using (var reader = TraceReader.Open(truth, [TraceColumns.Voltage]))
        {
            while (reader.ReadTrace())
            {
                expected.Add([.. reader.Buffer.Column(TraceColumns.Voltage)]);
            }
        }
        var metrics = new List<Metrics.TraceMetrics>();
        using (var reader = TraceReader.Open(predicted, [column]))
        {
            for (int t = 0; reader.ReadTrace(); t++)
            {
                metrics.Add(Metrics.SpikeTrainMetrics.Compute(expected[t], [.. reader.Buffer.Column(column)], DtMs));
            }
        }
        return Metrics.MetricSummary.From(metrics);
    }

    private static void Start(StringBuilder report, string root, List<Tool> tools)
    {
        report.AppendLine("## Tool start");
        report.AppendLine();
        report.AppendLine("`neuron-surrogate predict --help`, 20 runs after 3 warm-up runs, median wall time.");
        report.AppendLine();
        report.AppendLine("| build | start (ms) |");
        report.AppendLine("|---|---:|");
        foreach (var tool in tools)
        {
            for (int i = 0; i < 3; i++)
            {
                Time(root, tool.Path, ["predict", "--help"]);
            }
            var times = Enumerable.Range(0, 20).Select(_ => Time(root, tool.Path, ["predict", "--help"], measureMemory: false).Seconds * 1000).ToArray();
            report.AppendLine(Invariant($"| {tool.Name} | {Measurement.Median(times):F0} |"));
        }
        report.AppendLine();
    }

    /// <summary>Runs a process to its end: its wall time, and its peak resident set in KB where /usr/bin/time is there to say it.</summary>
    private static (double Seconds, long PeakKb) Time(string root, string tool, string[] arguments, bool measureMemory = true)
    {
        bool timed = measureMemory && File.Exists("/usr/bin/time");
        string report = Path.GetTempFileName();
        var info = new ProcessStartInfo(timed ? "/usr/bin/time" : tool)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (timed)
        {
            foreach (var a in new[] { "-f", "%M", "-o", report, tool })
            {
                info.ArgumentList.Add(a);
            }
        }
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }
        long peak = 0;
        if (timed)
        {
            long.TryParse(File.ReadAllText(report).Trim().Split('\n')[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out peak);
        }
        File.Delete(report);
        _ = stdout.Result;
        return (seconds, peak);
    }

    private static void WriteCurrents(string csv, string parquet, NeuronCellModel cell, int traces, int steps)
    {
        var stimulus = new StimulusOptions { Kind = StimulusKind.Mixed, MixedMaxCurrent = cell.MixedMaxCurrent };
        var currents = new double[(long)traces * steps];
        Parallel.For(0, traces, t => StimulusGenerator.Fill(stimulus, Seed, t, 0, DtMs, currents.AsSpan(t * steps, steps)));
        var run = new long[currents.Length];
        var neuron = new long[currents.Length];
        var time = new double[currents.Length];
        var text = new Utf8CsvBuffer(1 << 20);
        using (var stream = File.Create(csv))
        {
            text.Header([TraceColumns.Run, TraceColumns.Neuron, TraceColumns.TimeMs, TraceColumns.Current]);
            for (int t = 0; t < traces; t++)
            {
                for (int k = 0; k < steps; k++)
                {
                    long i = (long)t * steps + k;
                    run[i] = t;
                    time[i] = Dataset.TraceBatch.TimeOf(k, DtMs);
                    text.Whole(t);
                    text.Raw(",0,"u8);
                    text.Number(time[i]);
                    text.Comma();
                    text.Number(currents[i]);
                    text.NewLine();
                }
                text.CopyTo(stream);
            }
        }
        var fields = new[]
        {
            new Parquet.Schema.DataField(TraceColumns.Run, typeof(long)), new Parquet.Schema.DataField(TraceColumns.Neuron, typeof(long)),
            new Parquet.Schema.DataField(TraceColumns.TimeMs, typeof(double)), new Parquet.Schema.DataField(TraceColumns.Current, typeof(double)),
        };
        using var file = File.Create(parquet);
        var writer = Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), file).GetAwaiter().GetResult();
        const int group = 1 << 18;
        for (int start = 0; start < currents.Length; start += group)
        {
            int rows = Math.Min(group, currents.Length - start);
            using var g = writer.CreateRowGroup();
            g.WriteAsync(fields[0], (ReadOnlyMemory<long>)run.AsMemory(start, rows)).GetAwaiter().GetResult();
            g.WriteAsync(fields[1], (ReadOnlyMemory<long>)neuron.AsMemory(start, rows)).GetAwaiter().GetResult();
            g.WriteAsync(fields[2], (ReadOnlyMemory<double>)time.AsMemory(start, rows)).GetAwaiter().GetResult();
            g.WriteAsync(fields[3], (ReadOnlyMemory<double>)currents.AsMemory(start, rows)).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
