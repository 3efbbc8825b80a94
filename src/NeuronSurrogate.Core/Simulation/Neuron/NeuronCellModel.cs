using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// Any NEURON cell as the simulator: a cell file (README, "NEURON cells") run by NEURON itself, in separate
/// processes, over contiguous shards of the traces in parallel. The project's stimuli and CSV contract are
/// unchanged: the same seeds give the same files, whatever the number of processes.
/// </summary>
public sealed class NeuronCellModel : INeuronModel
{
    private const int Magic = 0x4E535552, EventsMagic = 0x4E535545;

    private readonly NeuronCellOptions _options;
    private readonly string _python;

    private NeuronCellModel(string cellPath, NeuronCellInfo info, NeuronCellOptions options, string python)
    {
        CellPath = cellPath;
        Info = info;
        _options = options;
        _python = python;
    }

    /// <summary>The cell file.</summary>
    public string CellPath { get; }

    /// <summary>What the cell file describes.</summary>
    public NeuronCellInfo Info { get; }

    /// <summary>The Python that runs NEURON for this cell.</summary>
    public string Python => _python;

    /// <summary>The solver step used at most, ms.</summary>
    public double SolverStepMs => _options.SolverStepMs ?? Info.SolverStepMs;

    /// <summary>Loads <paramref name="cellPath"/> in NEURON once, to check it and learn its sites.</summary>
    /// <exception cref="InputException">The file is missing, does not load, or lacks its sites (NEURON's own message and line).</exception>
    /// <exception cref="SimulatorException">NEURON is not installed (the message says how to install it), or it failed or hung.</exception>
    public static NeuronCellModel Load(string cellPath, NeuronCellOptions? options = null)
    {
        options ??= new NeuronCellOptions();
        if (string.IsNullOrWhiteSpace(cellPath) || !File.Exists(cellPath))
        {
            throw InputException.About(cellPath, "an existing NEURON cell file (.py; it was not found)");
        }
        if (options.Processes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Processes, "expected a positive number of NEURON processes");
        }
        if (options.CvodeAbsoluteTolerance is { } atol && !(atol > 0 && atol < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), atol, "--cvode-atol: expected an absolute tolerance above 0 and below 1");
        }
        string full = Path.GetFullPath(cellPath);
        foreach (var python in NeuronDriver.Candidates(options))
        {
            string? output = NeuronDriver.Run(python, ["describe", full], options.TimeoutSeconds ?? 120, $"cell file {cellPath}", cellPath);
            if (output is null)
            {
                continue;
            }
            const string mark = "neuron-surrogate-describe:";
            int at = output.LastIndexOf(mark, StringComparison.Ordinal);
            var info = at < 0 ? null : JsonSerializer.Deserialize(output[(at + mark.Length)..].Trim(), Cards.CardJsonContext.Default.NeuronCellInfo);
            if (info is null || !info.Inject.Contains(TraceColumns.Current))
            {
                throw new SimulatorException($"cell file {cellPath}: the NEURON driver gave no description of the cell");
            }
            info = info with { Inject = [TraceColumns.Current, .. info.Inject.Where(c => c != TraceColumns.Current)] };
            return new NeuronCellModel(cellPath, info, options, python);
        }
        throw new SimulatorException(NeuronDriver.InstallHint);
    }

    public string Name => "neuron";

    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"NEURON cell {Path.GetFileName(CellPath)} ({Info.Sections} sections, {Info.Segments} segments, {Info.Celsius} °C, {(_options.CvodeAbsoluteTolerance is { } atol ? $"CVode atol {atol}" : $"dt ≤ {SolverStepMs} ms")}, NEURON {System.Text.RegularExpressions.Regex.Match(Info.NeuronVersion, @"VERSION (\S+)").Groups[1].Value})");

    public string CurrentUnit => "nA";

    public IReadOnlyList<string> CurrentColumns => Info.Inject;

    public IReadOnlyList<StateVariable> StateVariables => [new("v", "mV", Info.InitialVoltageMv, "membrane potential at the recording site (NEURON keeps the rest of the state)")];

    public IReadOnlyDictionary<string, double> Parameters
    {
        get
        {
            var parameters = new Dictionary<string, double>
            {
                ["celsius"] = Info.Celsius,
                ["solver_dt_ms"] = SolverStepMs,
                ["segments"] = Info.Segments,
                ["sections"] = Info.Sections,
            };
            if (_options.CvodeAbsoluteTolerance is { } atol)
            {
                parameters.Remove("solver_dt_ms");
                parameters["cvode_atol"] = atol;
            }
            return parameters;
        }
    }

    public string Integrator => "neuron";

    public SpikeRecording Spikes => SpikeRecording.UpwardZeroCrossing;

    public double MixedMaxCurrent => Info.MixedMaxCurrentNa;

    public StimulusOptions DefaultStimulus => new()
    {
        MeanCurrent = 0.8 * MixedMaxCurrent,
        StandardDeviation = 0.2 * MixedMaxCurrent,
        Amplitude = MixedMaxCurrent,
        MixedMaxCurrent = MixedMaxCurrent,
    };

    public bool RecordsRecovery => false;

    public IReadOnlyList<SynapseInfo> Synapses => Info.Synapses;

    public void CheckRecordingStep(double timeStepMs)
    {
        if (!(timeStepMs >= 1e-4 && timeStepMs <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(timeStepMs), timeStepMs,
                string.Create(CultureInfo.InvariantCulture, $"a recording step dt = {timeStepMs} ms: expected 0.0001 to 10 ms"));
        }
    }

    public IReadOnlyList<TraceDivergence> Simulate(TraceBatch batch, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckRecordingStep(batch.TimeStepMs);
        foreach (var column in batch.CurrentColumns)
        {
            if (!CurrentColumns.Contains(column))
            {
                throw InputException.InColumn(CellPath, column, null, $"an injection site for every current column: the cell has {string.Join(", ", CurrentColumns)}");
            }
        }
        if (batch.Events is { } events)
        {
            if (Synapses.Count == 0)
            {
                throw InputException.About(CellPath, "a cell file with synapses for input events (its build(h) lists no 'synapses')");
            }
            if (events.Count != batch.TraceCount)
            {
                throw new ArgumentException($"{events.Count} traces of events for a batch of {batch.TraceCount} traces", nameof(batch));
            }
        }
        int traces = batch.TraceCount;
        if (traces == 0)
        {
            return [];
        }
        int processes = Math.Min(traces, maxDegreeOfParallelism > 0 ? Math.Min(maxDegreeOfParallelism, _options.Processes) : _options.Processes);
        string folder = NeuronDriver.CreateShardFolder();
        try
        {
            var shards = Enumerable.Range(0, processes).Select(s => (First: (int)((long)traces * s / processes), End: (int)((long)traces * (s + 1) / processes))).ToArray();
            var results = new double[processes][];
            var failures = new Exception?[processes];
            Parallel.For(0, processes, new ParallelOptions { MaxDegreeOfParallelism = processes }, s =>
            {
                try
                {
                    results[s] = RunShard(batch, shards[s].First, shards[s].End, s, processes, folder);
                }
                catch (Exception e) when (e is SimulatorException or InputException or IOException)
                {
                    failures[s] = e;
                }
            });
            if (failures.FirstOrDefault(f => f is not null) is { } failure)
            {
                throw failure is IOException io ? new SimulatorException($"NEURON shard files in {folder}: {io.Message}", io) : failure;
            }
            var divergences = new List<TraceDivergence>();
            for (int s = 0; s < processes; s++)
            {
                var (first, end) = shards[s];
                results[s].CopyTo(batch.VoltagesMv.AsSpan(first * batch.Steps, (end - first) * batch.Steps));
                for (int t = first; t < end; t++)
                {
                    var trace = batch.Trace(batch.VoltagesMv, t);
                    int bad = trace.IndexOfAnyExceptInRange(double.MinValue, double.MaxValue);
                    if (bad >= 0)
                    {
                        divergences.Add(new TraceDivergence(t, bad));
                    }
                }
            }
            return divergences;
        }
        finally
        {
            NeuronDriver.DeleteFolder(folder);
        }
    }

    private double[] RunShard(TraceBatch batch, int first, int end, int shard, int shards, string folder)
    {
        int count = end - first;
        string input = Path.Combine(folder, $"shard{shard}.in"), output = Path.Combine(folder, $"shard{shard}.out");
        using (var stream = new FileStream(input, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: false))
        {
            writer.Write(Magic);
            writer.Write(count);
            writer.Write(batch.Steps);
            writer.Write(batch.Inputs.Count);
            writer.Write(batch.TimeStepMs);
            writer.Write(_options.CvodeAbsoluteTolerance is { } atol ? -atol : _options.SolverStepMs ?? 0.0);
            foreach (var values in batch.Inputs)
            {
                var slice = values.AsSpan(first * batch.Steps, count * batch.Steps);
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(slice);
                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("the NEURON shard format is little-endian");
                }
                writer.Write(bytes);
            }
            writer.Write(Encoding.UTF8.GetBytes(string.Join(' ', batch.CurrentColumns)));
        }
        string? events = null;
        long eventCount = 0;
        if (batch.Events is { } all)
        {
            events = Path.Combine(folder, $"shard{shard}.events");
            using var stream = new FileStream(events, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: false);
            writer.Write(EventsMagic);
            writer.Write(count);
            writer.Write(Synapses.Count);
            writer.Write(0);
            for (int t = first; t < end; t++)
            {
                writer.Write((long)all[t].Count);
            }
            for (int t = first; t < end; t++)
            {
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(all[t].Synapses.AsSpan()));
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(all[t].TimesMs.AsSpan()));
                eventCount += all[t].Count;
            }
        }
        double durationMs = batch.Steps * batch.TimeStepMs;
        double perSimulatedMs = 20 * (Info.Segments * 0.034e-6 / SolverStepMs + 20e-6);
        // Each event costs NEURON a queue entry, a delivery and a Python call (a few µs): bound it at 100 µs.
        double timeout = _options.TimeoutSeconds ?? 60 + count * durationMs * perSimulatedMs + eventCount * 100e-6;
        string what = string.Create(CultureInfo.InvariantCulture, $"shard {shard + 1}/{shards} (traces {first}..{end - 1}) of cell file {CellPath}");
        string[] arguments = events is null ? ["simulate", Path.GetFullPath(CellPath), input, output] : ["simulate", Path.GetFullPath(CellPath), input, output, events];
        _ = NeuronDriver.Run(_python, arguments, timeout, what, CellPath)
            ?? throw new SimulatorException(NeuronDriver.InstallHint);
        var result = new double[count * batch.Steps];
        var raw = File.ReadAllBytes(output);
        if (raw.Length != result.Length * sizeof(double))
        {
            throw new SimulatorException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: NEURON wrote {raw.Length} bytes, expected {result.Length * sizeof(double)}; nothing was written"));
        }
        Buffer.BlockCopy(raw, 0, result, 0, raw.Length);
        return result;
    }
}
