using System.Diagnostics;
using System.Text;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// The synaptic pyramidal cell in NEURON (issue 24): what the default synaptic input statistics make it do over 2 s
/// traces (the calibration), what NMDA contributes (the same events with the NMDA weight 0), and what NEURON costs
/// at dt 0.025 and 0.1 ms with the spike times dt 0.1 keeps; writes results/pyramid_synaptic/neuron.md.
/// </summary>
internal static class SynapticBenchmark
{
    private const double StepMs = 0.1;
    private const long Seed = 2024;

    public static void Run(string root, bool quick)
    {
        int traces = quick ? 8 : 40, steps = quick ? 10_000 : 20_000;
        double durationS = steps * StepMs / 1000;
        string cell = Path.Combine(root, "models", "cells", "pyramid_synaptic.py");
        var model = NeuronCellModel.Load(cell);
        using var variant = new NoNmdaCell(cell);
        var noNmda = NeuronCellModel.Load(variant.Path);
        var coarse = NeuronCellModel.Load(cell, new NeuronCellOptions { SolverStepMs = 0.1 });
        var cvode = NeuronCellModel.Load(cell, new NeuronCellOptions { CvodeAbsoluteTolerance = 1e-3 });
        var options = new DatasetOptions
        {
            Runs = traces, NeuronsPerRun = 1, Steps = steps, Neuron = model, RecordingStepMs = StepMs,
            Synaptic = new SynapticInputOptions(), Seed = Seed,
        }.Validate();
        var clock = Stopwatch.StartNew();
        var batch = DatasetGenerator.Generate(options);
        double fineSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"{traces} traces at dt 0.025: {fineSeconds:F1} s"));
        var events = batch.Events!;
        var rates = Enumerable.Range(0, traces).Select(t => SpikeFlags.Count(model.Spikes, batch.Trace(batch.VoltagesMv, t)) / durationS).ToArray();
        var without = Simulate(noNmda, batch, events, out _);
        var coarseVoltages = Simulate(coarse, batch, events, out double coarseSeconds);
        var cvodeVoltages = Simulate(cvode, batch, events, out double cvodeSeconds);
        int spikes = 0, withoutSpikes = 0;
        var coarseAgreement = new Agreement();
        var cvodeAgreement = new Agreement();
        for (int t = 0; t < traces; t++)
        {
            var truth = SpikeDetector.Detect(batch.Trace(batch.VoltagesMv, t), StepMs);
            spikes += truth.Count;
            withoutSpikes += SpikeDetector.Detect(without.AsSpan(t * steps, steps), StepMs).Count;
            coarseAgreement.Add(truth, SpikeDetector.Detect(coarseVoltages.AsSpan(t * steps, steps), StepMs), steps * StepMs);
            cvodeAgreement.Add(truth, SpikeDetector.Detect(cvodeVoltages.AsSpan(t * steps, steps), StepMs), steps * StepMs);
        }
        var sorted = rates.Order().ToArray();
        double Quantile(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        long eventCount = events.Sum(e => (long)e.Count);
        var report = new StringBuilder("# The synaptic pyramidal cell in NEURON\n\n");
        report.AppendLine(Invariant($"Measured {DateTime.UtcNow:yyyy-MM-dd} by `dotnet run -c Release --project src/Benchmarks -- synaptic{(quick ? " --quick" : "")}` on this machine ({Environment.ProcessorCount} cores, {model.Description}). {traces} traces of {durationS:0.#} s, synaptic input with the default statistics (`generate --inputs synaptic`), seed {Seed}, recorded every {StepMs} ms; NEURON runs {Environment.ProcessorCount} processes at once."));
        report.AppendLine();
        report.AppendLine("## What the input statistics make the cell do (the calibration)");
        report.AppendLine();
        report.AppendLine("| | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(Invariant($"| soma rate, Hz: min / quartile / median / quartile / max | {sorted[0]:0.#} / {Quantile(0.25):0.#} / {Quantile(0.5):0.#} / {Quantile(0.75):0.#} / {sorted[^1]:0.#} |"));
        report.AppendLine(Invariant($"| traces with no spike | {rates.Count(r => r == 0)} of {traces} |"));
        report.AppendLine(Invariant($"| input events per trace (mean) | {eventCount / (double)traces:N0} |"));
        report.AppendLine(Invariant($"| input events per simulated ms | {eventCount / (traces * steps * StepMs):F2} |"));
        report.AppendLine(Invariant($"| spikes, all traces | {spikes} |"));
        report.AppendLine(Invariant($"| spikes with the NMDA weight 0 (same events) | {withoutSpikes} |"));
        report.AppendLine();
        report.AppendLine("## NEURON's cost and the step its accuracy needs");
        report.AppendLine();
        report.AppendLine("| solver dt | wall per simulated s per trace (all processes' time) | spikes | within 1 ms of dt 0.025's | Γ (±2 ms) against dt 0.025 |");
        report.AppendLine("|---:|---:|---:|---:|---:|");
        int processes = Environment.ProcessorCount;
        report.AppendLine(Invariant($"| 0.025 ms | {fineSeconds * processes / (traces * durationS):F2} s | {spikes} | – | 1 |"));
        report.AppendLine(Invariant($"| 0.1 ms | {coarseSeconds * processes / (traces * durationS):F2} s | {coarseAgreement.Row(spikes, traces)} |"));
        report.AppendLine(Invariant($"| CVode, atol 1e-3 | {cvodeSeconds * processes / (traces * durationS):F2} s | {cvodeAgreement.Row(spikes, traces)} |"));
        report.AppendLine();
        report.AppendLine("Wall times include each process's start, the cell's build and the queueing of the events from Python. CVode (`--cvode-atol`) records v every 0.1 ms like the fixed step; every input event restarts its integration.");
        string folder = Path.Combine(root, "results", "pyramid_synaptic");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "neuron.md");
        File.WriteAllText(path, report.ToString());
        Console.WriteLine($"wrote {path}");
        Console.Write(report);
    }

    /// <summary>How one simulator's spike times agree with dt 0.025's, summed over traces.</summary>
    private sealed class Agreement
    {
        private int _spikes, _within;
        private double _gamma;

        public void Add(List<double> truth, List<double> times, double durationMs)
        {
            _spikes += times.Count;
            _within += SpikeTrainMetrics.Match(truth, times, 1.0);
            _gamma += SpikeTrainMetrics.Gamma(truth.Count, times.Count, SpikeTrainMetrics.Match(truth, times), durationMs);
        }

        public string Row(int trueSpikes, int traces) =>
            Invariant($"{_spikes} | {_within} ({100.0 * _within / Math.Max(1, trueSpikes):F0} %) | {_gamma / traces:F3}");
    }

    private static double[] Simulate(NeuronCellModel model, TraceBatch like, IReadOnlyList<TraceEvents> events, out double seconds)
    {
        var batch = new TraceBatch(like.FirstRun, like.RunCount, like.NeuronsPerRun, like.Steps, like.TimeStepMs, false, null, model.Spikes) { Events = events };
        var clock = Stopwatch.StartNew();
        model.Simulate(batch);
        seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"{model.Description}: {seconds:F1} s"));
        return batch.VoltagesMv;
    }

    /// <summary>A cell file in a temporary folder: the synaptic pyramidal cell with every NMDA weight 0, through the cell-file contract.</summary>
    private sealed class NoNmdaCell : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("neuron-surrogate-no-nmda").FullName;

        public NoNmdaCell(string cell)
        {
            Path = System.IO.Path.Combine(_folder, "pyramid_synaptic_no_nmda.py");
            File.WriteAllText(Path, $$"""
                import importlib.util
                import os
                _spec = importlib.util.spec_from_file_location("pyramid_synaptic", {{Quote(cell)}})
                _base = importlib.util.module_from_spec(_spec)
                _spec.loader.exec_module(_base)
                MECHANISMS = {{Quote(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(cell)!, "mechanisms"))}}

                def build(h):
                    cell = _base.build(h)
                    for syn in cell["synapses"]:
                        syn["targets"] = [(pp, 0.0 if pp.hname().startswith("NMDA") else w) for pp, w in syn["targets"]]
                    return cell
                """);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private static string Quote(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }
}
