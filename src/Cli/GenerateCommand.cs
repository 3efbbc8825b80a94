using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Cli;

/// <summary><c>generate</c>: a seeded dataset of simulated traces as a traces CSV.</summary>
internal static class GenerateCommand
{
    private static readonly Dictionary<string, StimulusKind> Stimuli = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gaussian"] = StimulusKind.Gaussian,
        ["ou"] = StimulusKind.OrnsteinUhlenbeck,
        ["step"] = StimulusKind.Step,
        ["ramp"] = StimulusKind.Ramp,
        ["pulses"] = StimulusKind.Pulses,
        ["mixed"] = StimulusKind.Mixed,
        ["library"] = StimulusKind.Library,
    };

    public static Command Create(CliContext context)
    {
        var defaults = new DatasetOptions();
        var stimulusDefaults = new StimulusOptions();
        var runs = new Option<int>("--runs") { Description = "Runs in the dataset.", DefaultValueFactory = _ => defaults.Runs };
        var neurons = new Option<int>("--neurons") { Description = "Independent neurons per run, each with its own stimulus.", DefaultValueFactory = _ => defaults.NeuronsPerRun };
        var steps = new Option<int>("--steps") { Description = "Recorded steps per trace.", DefaultValueFactory = _ => defaults.Steps };
        var dt = new Option<double>("--dt") { Description = "Recording step in ms (the Izhikevich neuron integrates at it; hh and NEURON cells step at most --solver-dt inside it).", DefaultValueFactory = _ => defaults.Simulation.TimeStepMs };
        var stimulus = new Option<string>("--stimulus") { Description = "Input current: gaussian (i.i.d. per step), ou (Ornstein-Uhlenbeck), step, ramp, pulses, mixed (each trace draws a family and its parameters), or library (the training library: each trace draws one of 8 families, hyperpolarizing to depolarizing, amplitudes from the neuron's measured rheobase, tonic onset and depolarization block).", DefaultValueFactory = _ => "gaussian" };
        stimulus.AcceptOnlyFromAmong([.. Stimuli.Keys]);
        var mean = new Option<double?>("--mean") { Description = $"Mean current (gaussian, ou), in the neuron's unit (izhikevich: model units, default {stimulusDefaults.MeanCurrent}; hh and NEURON cells: nA, default per model)." };
        var sd = new Option<double?>("--sd") { Description = $"Standard deviation of the current (gaussian per step, ou stationary); izhikevich default {stimulusDefaults.StandardDeviation}." };
        var tau = new Option<double>("--tau") { Description = "OU correlation time in ms.", DefaultValueFactory = _ => stimulusDefaults.TimeConstantMs };
        var baseline = new Option<double?>("--baseline") { Description = $"Current outside the step, at the ramp's start, between pulses; izhikevich default {stimulusDefaults.BaselineCurrent}." };
        var amplitude = new Option<double?>("--amplitude") { Description = $"Current of the step and pulses; the ramp's end value; izhikevich default {stimulusDefaults.Amplitude}." };
        var onset = new Option<double>("--onset") { Description = "Start of the step, ramp or pulses in ms.", DefaultValueFactory = _ => stimulusDefaults.OnsetMs };
        var offset = new Option<double?>("--offset") { Description = "End of the step or ramp in ms (default: the end of the trace)." };
        var width = new Option<double>("--pulse-width") { Description = "Pulse duration in ms.", DefaultValueFactory = _ => stimulusDefaults.PulseWidthMs };
        var period = new Option<double>("--pulse-period") { Description = "Pulse period in ms.", DefaultValueFactory = _ => stimulusDefaults.PulsePeriodMs };
        var seed = new Option<long>("--seed") { Description = "Global seed; each trace's stream is derived from (seed, run, neuron).", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string>("--out", "-o") { Description = "Output traces file: CSV, or Parquet for a .parquet name (- for standard output, CSV; a file is replaced only once complete).", DefaultValueFactory = _ => "data/spike_dataset.csv" };
        var recovery = new Option<bool>("--recovery") { Description = "Also write the recovery variable u as a 'recovery' column." };
        var currents = new Option<string>("--currents") { Description = "Current columns to drive, comma-separated, 'current' first (a NEURON cell may add its other sites, e.g. current,current_dend); each gets its own seeded stream.", DefaultValueFactory = _ => "current" };
        var shard = new Option<string?>("--shard") { Description = "K/N: write only shard K (0-based) of N contiguous run ranges, header included; the N files concatenated with one header equal the whole dataset." };
        var inputs = new Option<string>("--inputs") { Description = "currents (the --stimulus family into the current columns) or synaptic (Beniaguev-style Poisson input events to every synapse of a cell that has them, e.g. --cell models/cells/pyramid_synaptic.py; currents 0).", DefaultValueFactory = _ => "currents" };
        inputs.AcceptOnlyFromAmong("currents", "synaptic");
        var statistics = new Option<string>("--synaptic-statistics") { Description = "With --inputs synaptic: beniaguev (the calibrated training statistics: rates piecewise constant over 25–450 ms, smoothed, inhibition tracking excitation), constant (one rate per trace), or inhibition-dominated (inhibition 10–30 Hz above excitation, excitatory ceilings 25–70 Hz).", DefaultValueFactory = _ => "beniaguev" };
        statistics.AcceptOnlyFromAmong([.. SynapticInputOptions.Named.Keys]);
        var eventsOut = new Option<string?>("--events-out") { Description = "With --inputs synaptic: the input-events file to write, run,neuron,synapse,time_ms (CSV, or Parquet for a .parquet name; default: the --out name with .events before its extension). The cell's synapse table goes beside it as NAME.synapses.csv." };
        var neuron = new NeuronOptions();

        var command = new Command("generate", "Simulate a seeded dataset and write it as a traces CSV: run,neuron,time_ms,current,voltage,spike.")
        {
            runs, neurons, steps, dt, stimulus, mean, sd, tau, baseline, amplitude, onset, offset, width, period, seed, output, recovery, currents, shard, inputs, eventsOut, statistics,
        };
        neuron.AddTo(command);
        command.SetAction(result => context.Guard(() =>
        {
            var (shardIndex, shardCount) = ParseShard(result.GetValue(shard));
            var model = neuron.Read(result, result.GetValue(dt));
            bool synaptic = result.GetValue(inputs) == "synaptic";
            if (!synaptic && result.GetValue(eventsOut) is not null)
            {
                throw new ArgumentException("--events-out goes with --inputs synaptic");
            }
            var modelStimulus = model.DefaultStimulus;
            NeuronLandmarks? landmarks = null;
            if (Stimuli[result.GetValue(stimulus)!] == StimulusKind.Library)
            {
                landmarks = NeuronLandmarks.Measure(model, model.MixedMaxCurrent, result.GetValue(dt));
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"landmarks of {model.Name} (500 ms steps): rheobase {landmarks.Rheobase:G3}, tonic onset {landmarks.TonicOnset:G3}, block {(double.IsNaN(landmarks.Block) ? $"none up to {landmarks.SearchedUpTo:G3}" : landmarks.Block.ToString("G3", CultureInfo.InvariantCulture))} {model.CurrentUnit}; library currents {landmarks.Bottom:G3} to {landmarks.Top:G3}"));
            }
            var options = new DatasetOptions
            {
                Runs = result.GetValue(runs),
                NeuronsPerRun = result.GetValue(neurons),
                Steps = result.GetValue(steps),
                Simulation = neuron.IsIzhikevich(result) ? ((IzhikevichNeuron)model).Options : new IzhikevichSimulationOptions(),
                Neuron = neuron.IsIzhikevich(result) ? null : model,
                RecordingStepMs = result.GetValue(dt),
                CurrentColumns = [.. result.GetValue(currents)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                Stimulus = new StimulusOptions
                {
                    Kind = Stimuli[result.GetValue(stimulus)!],
                    MeanCurrent = result.GetValue(mean) ?? modelStimulus.MeanCurrent,
                    StandardDeviation = result.GetValue(sd) ?? modelStimulus.StandardDeviation,
                    TimeConstantMs = result.GetValue(tau),
                    BaselineCurrent = result.GetValue(baseline) ?? modelStimulus.BaselineCurrent,
                    Amplitude = result.GetValue(amplitude) ?? modelStimulus.Amplitude,
                    MixedMaxCurrent = model.MixedMaxCurrent,
                    OnsetMs = result.GetValue(onset),
                    OffsetMs = result.GetValue(offset) ?? double.PositiveInfinity,
                    PulseWidthMs = result.GetValue(width),
                    PulsePeriodMs = result.GetValue(period),
                    Landmarks = landmarks,
                },
                Synaptic = synaptic ? SynapticInputOptions.Named[result.GetValue(statistics)!] : null,
                Seed = result.GetValue(seed),
                IncludeRecovery = result.GetValue(recovery),
                ShardIndex = shardIndex,
                ShardCount = shardCount,
            }.Validate();
            string path = result.GetValue(output)!;
            return Run(context, options, path, synaptic ? result.GetValue(eventsOut) ?? EventsPathFor(path) : null);
        }));
        return command;
    }

    /// <summary>The default events file beside a traces file (<see cref="EventFile.PathBeside"/>), refused for a stream.</summary>
    internal static string EventsPathFor(string tracesPath)
    {
        if (AtomicFile.IsStandardStream(tracesPath) || tracesPath.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new ArgumentException("--inputs synaptic with --out on a stream: expected --events-out, the input-events file to write");
        }
        return EventFile.PathBeside(tracesPath);
    }

    private static int Run(CliContext context, DatasetOptions options, string path, string? eventsPath)
    {
        AtomicFile.CheckWritable(path);
        if (eventsPath is not null)
        {
            AtomicFile.CheckWritable(eventsPath, "input-events file");
            AtomicFile.CheckWritable(EventFile.SynapseTablePath(eventsPath), "synapse table");
        }
        var clock = Stopwatch.StartNew();
        TraceBatch? batch = null;
        context.WithProgress($"simulating {options.RunCount * options.NeuronsPerRun:N0} traces", 1, advance =>
        {
            batch = DatasetGenerator.Generate(options);
            advance();
        });
        if (batch!.Divergences.Count > 0)
        {
            var first = batch.Divergences[0];
            throw InputException.About(null, string.Create(CultureInfo.InvariantCulture,
                $"stimulus settings that keep the model finite: {batch.Divergences.Count} trace(s) diverged (NaN or infinity), the first run {batch.Traces.Runs[first.Trace]}, neuron {batch.Traces.Neurons[first.Trace]}, at step {first.Step}"));
        }
        context.WithProgress($"writing {AtomicFile.DisplayName(path)}", batch.RunCount, advance =>
            DatasetParquetWriter.WriteFile(path, batch, advance));
        long spikes = Enumerable.Range(0, batch.TraceCount).Sum(t => (long)SpikeFlags.Count(batch.Spikes, batch.Trace(batch.VoltagesMv, t)));
        if (eventsPath is not null)
        {
            EventFile.Write(eventsPath, batch.Events!);
            SynapseInfo.WriteTable(EventFile.SynapseTablePath(eventsPath), options.Model.Synapses);
            long count = batch.Events!.Sum(e => (long)e.Count);
            context.MessagesFor(path).WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {eventsPath}: {count:N0} input events to {options.Model.Synapses.Count} synapses ({count / (batch.TraceCount * batch.Steps * batch.TimeStepMs):F2} per simulated ms per trace); synapse table {EventFile.SynapseTablePath(eventsPath)}"));
        }
        context.MessagesFor(path).WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {AtomicFile.DisplayName(path)}: runs {batch.FirstRun}..{batch.FirstRun + batch.RunCount - 1} × {batch.NeuronsPerRun} neurons × {batch.Steps} steps of {batch.TimeStepMs} ms ({(long)batch.TraceCount * batch.Steps:N0} rows), {options.Model.Description}, {(options.Synaptic is null ? options.Stimulus.Kind + " stimulus" : "synaptic input")}, seed {options.Seed}; {spikes:N0} spikes; {clock.Elapsed.TotalSeconds:F2} s"));
        return ExitCodes.Success;
    }

    /// <summary>Parses <c>K/N</c>.</summary>
    internal static (int Index, int Count) ParseShard(string? text)
    {
        if (text is null)
        {
            return (0, 1);
        }
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count > 0 && index < count)
        {
            return (index, count);
        }
        throw new ArgumentException($"--shard: '{text}' is not K/N with 0 ≤ K < N (e.g. 0/4)");
    }
}
