using System.Globalization;
using System.Runtime.InteropServices;
using CsvHelper;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Data;

/// <summary>What <see cref="TraceFileSimulator.Run"/> did.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="Traces">Traces simulated.</param>
/// <param name="Spikes">Spikes recorded over all traces.</param>
public readonly record struct TraceFileSummary(long Rows, int Traces, long Spikes);

/// <summary>
/// Runs the reference simulator on a user's currents file (<c>run,neuron,time_ms,current</c>, other columns passed
/// through unchanged) and writes <c>voltage</c> and <c>spike</c> (and <c>recovery</c> when asked) beside them,
/// one trace at a time, so memory does not grow with the file.
/// </summary>
public static class TraceFileSimulator
{
    /// <summary>Simulates every trace of <paramref name="inputPath"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="inputPath">The currents CSV.</param>
    /// <param name="outputPath">The traces CSV to write (through a temporary file).</param>
    /// <param name="simulation">The neuron and integrator; dt is taken from each trace's time column.</param>
    /// <param name="includeRecovery">Whether to write the recovery variable u.</param>
    /// <exception cref="InputException">The input breaks the contract, the output cannot be written, or a trace diverges.</exception>
    public static TraceFileSummary Run(string inputPath, string outputPath, IzhikevichSimulationOptions simulation, bool includeRecovery = false)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        simulation.Validate();
        using var reader = TraceCsvReader.Open(inputPath, [TraceColumns.Current], keepFields: true);
        var headers = reader.Headers.ToList();
        int voltageColumn = TraceColumns.IndexOrAppend(headers, TraceColumns.Voltage);
        int spikeColumn = TraceColumns.IndexOrAppend(headers, TraceColumns.Spike);
        int recoveryColumn = includeRecovery ? TraceColumns.IndexOrAppend(headers, TraceColumns.Recovery) : -1;
        long rows = 0, spikes = 0;
        int traces = 0;
        AtomicFile.Write(outputPath, stream =>
        {
            using var csv = CsvWriter.Create(stream, TraceCsvWriter.Options, leaveOpen: true);
            csv.WriteHeader(headers.ToArray());
            var voltages = new List<double>();
            var recovery = new List<double>();
            var row = new string[headers.Count];
            while (reader.ReadTrace())
            {
                var trace = reader.Buffer;
                var currents = trace.Column(TraceColumns.Current);
                // A one-row trace records only v0, whatever dt is.
                var options = trace.Count >= 2 ? simulation with { TimeStepMs = trace.TimeStepMs } : simulation;
                CheckTimeStep(reader, trace, options.TimeStepMs);
                Resize(voltages, trace.Count);
                Resize(recovery, includeRecovery ? trace.Count : 0);
                var voltageSpan = CollectionsMarshal.AsSpan(voltages);
                int diverged = IzhikevichReferenceSimulator.Simulate(options,
                    CollectionsMarshal.AsSpan(currents), voltageSpan,
                    CollectionsMarshal.AsSpan(recovery));
                if (diverged >= 0)
                {
                    throw new InputException(reader.FilePath, trace.FirstLine + diverged, trace.FirstRow + diverged, TraceColumns.Current, null,
                        string.Create(CultureInfo.InvariantCulture,
                            $"currents that keep the model finite: trace (run {trace.Run}, neuron {trace.Neuron}) diverged (NaN or infinity) at step {diverged}, time_ms {trace.TimesMs[diverged]:R}"));
                }
                for (int t = 0; t < trace.Count; t++)
                {
                    var fields = trace.Fields[t];
                    Array.Copy(fields, row, fields.Length);
                    byte spike = IzhikevichReferenceSimulator.SpikeFlag(voltageSpan[t]);
                    spikes += spike;
                    row[voltageColumn] = voltageSpan[t].ToString("R", CultureInfo.InvariantCulture);
                    row[spikeColumn] = spike == 1 ? "1" : "0";
                    if (recoveryColumn >= 0)
                    {
                        row[recoveryColumn] = recovery[t].ToString("R", CultureInfo.InvariantCulture);
                    }
                    csv.WriteRecord(row);
                }
                rows += trace.Count;
                traces++;
            }
            csv.Flush();
        });
        return new TraceFileSummary(rows, traces, spikes);
    }

    private static void CheckTimeStep(TraceCsvReader reader, TraceBuffer trace, double dt)
    {
        if (!(dt >= IzhikevichSimulationOptions.MinTimeStepMs && dt <= IzhikevichSimulationOptions.MaxTimeStepMs))
        {
            throw new InputException(reader.FilePath, trace.FirstLine + 1, trace.FirstRow + 1, TraceColumns.TimeMs,
                trace.TimesMs[1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture,
                    $"a time step between {IzhikevichSimulationOptions.MinTimeStepMs} and {IzhikevichSimulationOptions.MaxTimeStepMs} ms (trace run {trace.Run}, neuron {trace.Neuron} has dt = {dt:R} ms)"));
        }
    }

    private static void Resize(List<double> list, int count)
    {
        CollectionsMarshal.SetCount(list, count);
    }
}
