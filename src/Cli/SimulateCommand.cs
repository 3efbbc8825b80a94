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
        var input = new Option<string>("--input", "-i") { Description = "Currents file (CSV, or Parquet for a .parquet name) with at least run,neuron,time_ms,current (- for standard input, CSV); dt is read from each trace's time column.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Traces file to write (CSV, or Parquet for a .parquet name): the input's columns plus voltage and spike (- for standard output; a file is replaced only once complete).", Required = true };
        var recovery = new Option<bool>("--recovery") { Description = "Also write the recovery variable u as a 'recovery' column." };
        var neuron = new NeuronOptions();
        var command = new Command("simulate", "Simulate a neuron (Izhikevich, Hodgkin–Huxley or any NEURON cell) on your own currents; other input columns pass through unchanged.")
        {
            input, output, recovery,
        };
        neuron.AddTo(command);
        command.SetAction(result => context.Guard(() =>
        {
            var model = neuron.Read(result, timeStepMs: 0.1);
            var clock = Stopwatch.StartNew();
            string outputPath = result.GetValue(output)!;
            AtomicFile.CheckWritable(outputPath);
            var summary = TraceFileSimulator.Run(result.GetValue(input)!, outputPath, model, result.GetValue(recovery));
            context.MessagesFor(outputPath).WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {AtomicFile.DisplayName(outputPath)}: {summary.Traces:N0} traces, {summary.Rows:N0} rows, {summary.Spikes:N0} spikes, {model.Description}; {clock.Elapsed.TotalSeconds:F2} s"));
            return ExitCodes.Success;
        }));
        return command;
    }
}
