using CsvHelper;
using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Dataset;

/// <summary>Writes a <see cref="TraceBatch"/> as a traces CSV (DESIGN section 4) with the contract's options (<see cref="TraceCsvWriter.Options"/>).</summary>
public static class DatasetCsvWriter
{
    /// <summary>
    /// Writes a dataset: <c>run,neuron,time_ms,current,voltage,spike</c> (and <c>recovery</c> when recorded), each
    /// trace's rows contiguous and in time order. Numbers are the shortest text that reads back to the same double,
    /// so a dataset re-simulated from its own currents reproduces its voltages exactly.
    /// </summary>
    /// <param name="stream">The destination; left open.</param>
    /// <param name="batch">The traces.</param>
    /// <param name="writeHeader">Whether to start with the header row.</param>
    /// <param name="runWritten">Called after each run is formatted (from several threads), for progress.</param>
    public static void WriteDataset(Stream stream, TraceBatch batch, bool writeHeader = true, Action? runWritten = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var csv = CsvWriter.Create(stream, TraceCsvWriter.Options, leaveOpen: true);
        if (writeHeader)
        {
            string[] header = [TraceColumns.Run, TraceColumns.Neuron, TraceColumns.TimeMs, .. batch.CurrentColumns,
                TraceColumns.Voltage, TraceColumns.Spike, .. batch.Recovery is null ? Array.Empty<string>() : [TraceColumns.Recovery]];
            csv.WriteHeader(header);
        }
        // Each run is formatted on a worker and written in run order: the bytes do not depend on the thread count.
        csv.ParallelWrite(Enumerable.Range(0, batch.RunCount), (writer, runOffset) =>
        {
            WriteRun(writer, batch, runOffset);
            runWritten?.Invoke();
        }, Environment.ProcessorCount);
        csv.Flush();
    }

    private static void WriteRun(CsvWriter writer, TraceBatch batch, int runOffset)
    {
        var times = new double[batch.Steps];
        for (int t = 0; t < times.Length; t++)
        {
            times[t] = TraceBatch.TimeOf(t, batch.TimeStepMs);
        }
        for (int neuron = 0; neuron < batch.NeuronsPerRun; neuron++)
        {
            int trace = runOffset * batch.NeuronsPerRun + neuron;
            long run = batch.Traces.Runs[trace];
            var voltages = batch.Trace(batch.VoltagesMv, trace);
            var recovery = batch.Recovery is null ? default : batch.Trace(batch.Recovery, trace);
            for (int t = 0; t < batch.Steps; t++)
            {
                writer.WriteField(run);
                writer.WriteField(batch.Traces.Neurons[trace]);
                writer.WriteField(times[t]);
                for (int input = 0; input < batch.Inputs.Count; input++)
                {
                    writer.WriteField(batch.Inputs[input][trace * batch.Steps + t]);
                }
                writer.WriteField(voltages[t]);
                writer.WriteField((int)SpikeFlags.At(batch.Spikes, voltages, t));
                if (!recovery.IsEmpty)
                {
                    writer.WriteField(recovery[t]);
                }
                writer.EndRecord();
            }
        }
    }
}
