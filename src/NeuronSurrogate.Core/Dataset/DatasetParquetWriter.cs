using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;
using Parquet;
using Parquet.Schema;

namespace NeuronSurrogate.Dataset;

/// <summary>
/// Writes a <see cref="TraceBatch"/> as a Parquet traces file: the CSV contract's columns (DESIGN section 4) with
/// types (run and neuron int64, time_ms, the currents, voltage and recovery double, spike int32), Snappy-compressed,
/// in row groups of whole runs of about 2^18 rows. pandas, polars and Arrow read it as is.
/// </summary>
public static class DatasetParquetWriter
{
    private const int RowGroupRows = 1 << 18;

    /// <summary>Writes the traces of <paramref name="batch"/> onto <paramref name="stream"/> (left open), calling <paramref name="runWritten"/> after each run, for progress.</summary>
    public static void WriteDataset(Stream stream, TraceBatch batch, Action? runWritten = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var fields = new List<DataField>
        {
            new(TraceColumns.Run, typeof(long), false),
            new(TraceColumns.Neuron, typeof(long), false),
            new(TraceColumns.TimeMs, typeof(double), false),
        };
        fields.AddRange(batch.CurrentColumns.Select(c => new DataField(c, typeof(double), false)));
        fields.Add(new DataField(TraceColumns.Voltage, typeof(double), false));
        fields.Add(new DataField(TraceColumns.Spike, typeof(int), false));
        if (batch.Recovery is not null)
        {
            fields.Add(new DataField(TraceColumns.Recovery, typeof(double), false));
        }
        var options = ParquetSettings.Options();
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields.ToArray<Field>()), stream, options, append: false).GetAwaiter().GetResult();
        int runsPerGroup = Math.Max(1, RowGroupRows / Math.Max(1, batch.NeuronsPerRun * batch.Steps));
        var times = Enumerable.Range(0, batch.Steps).Select(t => TraceBatch.TimeOf(t, batch.TimeStepMs)).ToArray();
        for (int firstRun = 0; firstRun < batch.RunCount; firstRun += runsPerGroup)
        {
            int runs = Math.Min(runsPerGroup, batch.RunCount - firstRun);
            int firstTrace = firstRun * batch.NeuronsPerRun, traces = runs * batch.NeuronsPerRun;
            int rows = traces * batch.Steps, offset = firstTrace * batch.Steps;
            var run = new long[rows];
            var neuron = new long[rows];
            var time = new double[rows];
            var spike = new int[rows];
            for (int k = 0; k < traces; k++)
            {
                int trace = firstTrace + k;
                run.AsSpan(k * batch.Steps, batch.Steps).Fill(batch.Traces.Runs[trace]);
                neuron.AsSpan(k * batch.Steps, batch.Steps).Fill(batch.Traces.Neurons[trace]);
                times.CopyTo(time, k * batch.Steps);
                var voltages = batch.Trace(batch.VoltagesMv, trace);
                for (int t = 0; t < batch.Steps; t++)
                {
                    spike[k * batch.Steps + t] = SpikeFlags.At(batch.Spikes, voltages, t);
                }
            }
            using var group = writer.CreateRowGroup();
            int f = 0;
            Write(group, fields[f++], run);
            Write(group, fields[f++], neuron);
            Write(group, fields[f++], time);
            foreach (var input in batch.Inputs)
            {
                Write<double>(group, fields[f++], input.AsMemory(offset, rows));
            }
            Write<double>(group, fields[f++], batch.VoltagesMv.AsMemory(offset, rows));
            Write(group, fields[f++], spike);
            if (batch.Recovery is not null)
            {
                Write<double>(group, fields[f], batch.Recovery.AsMemory(offset, rows));
            }
            group.CompleteValidate();
            for (int r = 0; r < runs; r++)
            {
                runWritten?.Invoke();
            }
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stream.Flush();
    }

    /// <summary>Writes <paramref name="batch"/> to <paramref name="path"/> (through a temporary file): Parquet for <c>.parquet</c>, else CSV (<see cref="DatasetCsvWriter"/>).</summary>
    public static void WriteFile(string path, TraceBatch batch, Action? runWritten = null) =>
        AtomicFile.Write(path, stream =>
        {
            if (TraceFileFormat.IsParquet(path))
            {
                WriteDataset(stream, batch, runWritten);
            }
            else
            {
                DatasetCsvWriter.WriteDataset(stream, batch, writeHeader: true, runWritten);
            }
        });

    private static void Write<T>(ParquetRowGroupWriter group, DataField field, ReadOnlyMemory<T> values) where T : struct =>
        group.WriteAsync(field, values).GetAwaiter().GetResult();

    private static void Write<T>(ParquetRowGroupWriter group, DataField field, T[] values) where T : struct => Write(group, field, (ReadOnlyMemory<T>)values);
}
