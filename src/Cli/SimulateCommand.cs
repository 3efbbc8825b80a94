using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cli;

/// <summary><c>simulate</c>: the reference simulator on the user's own currents.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Option<string?>("--input", "-i") { Description = "Currents file (CSV, or Parquet for a .parquet name) with at least run,neuron,time_ms,current (- for standard input, CSV); dt is read from each trace's time column. Optional with --events." };
        var events = new Option<string?>("--events") { Description = "Input-events file run,neuron,synapse,time_ms (CSV or Parquet) for a cell with synapses (e.g. models/cells/pyramid_synaptic.py): each trace's presynaptic spikes, delivered to its synapses. Without --input, the traces it names are simulated for --duration ms with no injected current." };
        var duration = new Option<double?>("--duration") { Description = "With --events and no --input: the length of every trace, ms." };
        var dt = new Option<double>("--dt") { Description = "With --events and no --input: the recording step, ms.", DefaultValueFactory = _ => 0.1 };
        var output = new Option<string?>("--output", "-o") { Description = "Traces file to write (CSV, or Parquet for a .parquet name): the input's columns plus voltage and spike (- for standard output; a file is replaced only once complete). Required." };
        var recovery = new Option<bool>("--recovery") { Description = "Also write the recovery variable u as a 'recovery' column." };
        var neuron = new NeuronOptions();
        var command = new Command("simulate", "Simulate a neuron (Izhikevich, Hodgkin–Huxley or any NEURON cell) on your own currents, or a NEURON cell with synapses on your input events; other input columns pass through unchanged.")
        {
            input, output, recovery, events, duration, dt,
        };
        neuron.AddTo(command);
        command.SetAction(result => context.Guard(() =>
        {
            string? inputPath = result.GetValue(input), eventsPath = result.GetValue(events);
            double? durationMs = result.GetValue(duration);
            if (inputPath is null && eventsPath is null)
            {
                throw new ArgumentException("expected --input (a currents file), --events (an input-events file), or both, and --output");
            }
            string outputPath = result.GetValue(output) ?? throw new ArgumentException("expected --output, the traces file to write");
            if (inputPath is not null && (durationMs is not null || result.GetResult(dt) is { Implicit: false }))
            {
                throw new ArgumentException("--duration and --dt go with --events alone; with --input the traces' lengths and dt come from its time column");
            }
            if (inputPath is null && result.GetValue(recovery))
            {
                throw new ArgumentException("--recovery: the recovery variable is Izhikevich's, and --events alone simulates a NEURON cell");
            }
            if (inputPath is null && durationMs is null)
            {
                throw new ArgumentException("--events without --input: expected --duration, the length of every trace in ms");
            }
            var model = neuron.Read(result, timeStepMs: 0.1);
            var clock = Stopwatch.StartNew();
            AtomicFile.CheckWritable(outputPath);
            var summary = inputPath is null
                ? TraceFileSimulator.RunEvents(eventsPath!, outputPath, model, durationMs!.Value, result.GetValue(dt))
                : TraceFileSimulator.Run(inputPath, outputPath, model, result.GetValue(recovery), eventsPath);
            context.MessagesFor(outputPath).WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {AtomicFile.DisplayName(outputPath)}: {summary.Traces:N0} traces, {summary.Rows:N0} rows, {summary.Spikes:N0} spikes, {model.Description}; {clock.Elapsed.TotalSeconds:F2} s"));
            return ExitCodes.Success;
        }));
        return command;
    }
}
