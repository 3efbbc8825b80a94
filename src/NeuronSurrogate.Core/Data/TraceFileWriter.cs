using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace NeuronSurrogate.Data;

/// <summary>What a new output column holds: numbers (double; NaN or infinity is an empty field or null) or 0/1 flags (negative is empty or null).</summary>
public enum NewColumnKind
{
    Number,
    Flag,
}

/// <summary>A column a command adds to the rows it passes through; it replaces an input column of the same name in place, else it is appended.</summary>
public sealed record NewColumn(string Name, NewColumnKind Kind, bool Nullable = false);

/// <summary>
/// Writes a command's output traces file, CSV or Parquet by the output's extension (<see cref="TraceFileFormat"/>): every
/// input column passes through (a CSV row as the file had it, a Parquet column with its type) and the new columns are
/// added, batch by batch, so memory is bounded by the batch.
/// </summary>
public abstract class TraceFileWriter
{
    /// <summary>A writer for <paramref name="outputPath"/> onto <paramref name="stream"/> (from <see cref="AtomicFile.Write"/>).</summary>
    public static TraceFileWriter Create(string outputPath, Stream stream, IReadOnlyList<string> inputHeaders, IReadOnlyList<NewColumn> columns) =>
        TraceFileFormat.IsParquet(outputPath)
            ? new ParquetTraceFileWriter(stream, inputHeaders, columns)
            : new CsvTraceFileWriter(stream, inputHeaders, columns);

    /// <summary>Writes a batch of traces of equal length: <paramref name="values"/> holds one array per new column, trace-major (double[] for numbers, sbyte[] for flags).</summary>
    public abstract void Write(IReadOnlyList<BufferedTrace> traces, IReadOnlyList<Array> values);

    /// <summary>Finishes the file (a Parquet footer).</summary>
    public abstract void Complete();
}

/// <summary>The values of one row's new columns in a batch.</summary>
internal readonly struct BatchRowValues(IReadOnlyList<Array> values, int offset) : IRowValues
{
    public void Write(Utf8CsvBuffer buffer, int slot, int row)
    {
        switch (values[slot])
        {
            case double[] numbers:
                double v = numbers[offset + row];
                if (double.IsFinite(v))
                {
                    buffer.Number(v);
                }
                break;
            case sbyte[] flags:
                sbyte flag = flags[offset + row];
                if (flag >= 0)
                {
                    buffer.Byte(flag > 0 ? (byte)'1' : (byte)'0');
                }
                break;
            default:
                throw new InvalidOperationException($"new column values of type {values[slot].GetType().Name}");
        }
    }
}

internal sealed class CsvTraceFileWriter : TraceFileWriter
{
    private readonly Stream _stream;
    private readonly PassThroughLayout _layout;
    private readonly OrderedCsvWriter _writer;

    public CsvTraceFileWriter(Stream stream, IReadOnlyList<string> inputHeaders, IReadOnlyList<NewColumn> columns)
    {
        _stream = stream;
        _layout = new PassThroughLayout(inputHeaders, [.. columns.Select(c => c.Name)]);
        var header = new Utf8CsvBuffer(1024);
        header.Header(_layout.Headers);
        header.CopyTo(stream);
        _writer = new OrderedCsvWriter(stream);
    }

    public override void Write(IReadOnlyList<BufferedTrace> traces, IReadOnlyList<Array> values)
    {
        int steps = traces.Count == 0 ? 0 : traces[0].Count;
        _writer.Write(traces.Count, (b, buffer) =>
        {
            var row = new BatchRowValues(values, b * steps);
            var input = traces[b].Rows ?? throw new InvalidOperationException("the reader was opened without keeping the rows");
            for (int t = 0; t < steps; t++)
            {
                _layout.Write(buffer, input, t, ref row, t);
            }
        });
    }

    public override void Complete() => _stream.Flush();
}

/// <summary>
/// One row group per batch. Column types: a Parquet input's columns keep theirs; a CSV input's run and neuron are
/// int64, time_ms, the currents, voltage, recovery and predicted_voltage double, spike and predicted_spike int32
/// (nullable where a field may be empty), any other column text; new columns are double or int32.
/// </summary>
internal sealed class ParquetTraceFileWriter(Stream stream, IReadOnlyList<string> inputHeaders, IReadOnlyList<NewColumn> columns) : TraceFileWriter
{
    private static readonly HashSet<string> NumberColumns = [TraceColumns.TimeMs, TraceColumns.Current, TraceColumns.CurrentDend, TraceColumns.Voltage,
        TraceColumns.Recovery, TraceColumns.PredictedVoltage];
    private static readonly HashSet<string> FlagColumns = [TraceColumns.Spike, TraceColumns.PredictedSpike];

    private readonly List<string> _headers = [.. inputHeaders];
    private int[]? _slotOf;
    private DataField[]? _fields;
    private ParquetWriter? _writer;
    private Array?[] _buffers = [];

    public override void Write(IReadOnlyList<BufferedTrace> traces, IReadOnlyList<Array> values)
    {
        if (traces.Count == 0)
        {
            return;
        }
        _writer ??= Start(traces[0]);
        int steps = traces[0].Count;
        int rows = traces.Count * steps;
        using var group = _writer.CreateRowGroup();
        for (int c = 0; c < _fields!.Length; c++)
        {
            var field = _fields[c];
            // The column arrays are kept from batch to batch: no fresh memory (and its page faults) per batch.
            var data = _buffers[c] is { } kept && kept.Length >= rows ? kept : _buffers[c] = NewArray(field, rows);
            if (_slotOf![c] >= 0)
            {
                NewValues(values[_slotOf[c]], data, rows);
            }
            else
            {
                InputColumn(traces, c, data, steps);
            }
            WriteColumn(group, field, data, rows);
        }
        group.CompleteValidate();
    }

    public override void Complete()
    {
        if (_writer is null)
        {
            // No rows: still a valid file with the schema a CSV input would give.
            _writer = Start(null);
        }
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stream.Flush();
    }

    private ParquetWriter Start(BufferedTrace? first)
    {
        var slots = columns.Select(c => TraceColumns.IndexOrAppend(_headers, c.Name)).ToArray();
        _slotOf = Enumerable.Repeat(-1, _headers.Count).ToArray();
        for (int s = 0; s < slots.Length; s++)
        {
            _slotOf[slots[s]] = s;
        }
        _fields = new DataField[_headers.Count];
        _buffers = new Array?[_headers.Count];
        for (int c = 0; c < _headers.Count; c++)
        {
            string name = _headers[c];
            if (_slotOf[c] >= 0)
            {
                var column = columns[_slotOf[c]];
                _fields[c] = new DataField(name, column.Kind == NewColumnKind.Number ? typeof(double) : typeof(int), column.Nullable);
            }
            else if (first?.Rows is ParquetRows parquet && parquet.Segments.Count > 0)
            {
                var type = parquet.Segments[0].Group.Columns[c].GetType().GetElementType()!;
                var underlying = Nullable.GetUnderlyingType(type);
                _fields[c] = new DataField(name, underlying ?? type, underlying is not null || type == typeof(string));
            }
            else
            {
                _fields[c] = name is TraceColumns.Run or TraceColumns.Neuron ? new DataField(name, typeof(long), false)
                    : name == TraceColumns.TimeMs ? new DataField(name, typeof(double), false)
                    : NumberColumns.Contains(name) ? new DataField(name, typeof(double), true)
                    : FlagColumns.Contains(name) ? new DataField(name, typeof(int), true)
                    : new DataField(name, typeof(string), true);
            }
        }
        var options = ParquetSettings.Options();
        return ParquetWriter.CreateAsync(new ParquetSchema(_fields), stream, options).GetAwaiter().GetResult();
    }

    private static void NewValues(Array values, Array data, int rows)
    {
        switch (values, data)
        {
            case (double[] numbers, double?[] target):
                for (int i = 0; i < rows; i++)
                {
                    target[i] = double.IsFinite(numbers[i]) ? numbers[i] : null;
                }
                break;
            case (double[] numbers, double[] target):
                numbers.AsSpan(0, rows).CopyTo(target);
                break;
            case (sbyte[] flags, int?[] target):
                for (int i = 0; i < rows; i++)
                {
                    target[i] = flags[i] >= 0 ? flags[i] : null;
                }
                break;
            case (sbyte[] flags, int[] target):
                for (int i = 0; i < rows; i++)
                {
                    target[i] = flags[i];
                }
                break;
            default:
                throw new InvalidOperationException($"new column values of type {values.GetType().Name} into {data.GetType().Name}");
        }
    }

    private void InputColumn(IReadOnlyList<BufferedTrace> traces, int column, Array data, int steps)
    {
        string name = _headers[column];
        if (traces[0].Rows is ParquetRows)
        {
            for (int b = 0; b < traces.Count; b++)
            {
                ((ParquetRows)traces[b].Rows!).CopyColumn(column, data, b * steps);
            }
            return;
        }
        for (int b = 0; b < traces.Count; b++)
        {
            var trace = traces[b];
            int offset = b * steps;
            if (name == TraceColumns.Run || name == TraceColumns.Neuron)
            {
                ((long[])data).AsSpan(offset, steps).Fill(name == TraceColumns.Run ? trace.Run : trace.Neuron);
            }
            else if (name == TraceColumns.TimeMs)
            {
                trace.Times.CopyTo((double[])data, offset);
            }
            else if (trace.Columns.TryGetValue(name, out var parsed) && data is double?[] nullable)
            {
                for (int t = 0; t < steps; t++)
                {
                    nullable[offset + t] = parsed[t];
                }
            }
            else
            {
                TextColumn(trace, column, data, offset, steps);
            }
        }
    }

    /// <summary>An array for a column's values (named types, not reflection: the tool compiles with Native AOT).</summary>
    private static Array NewArray(DataField field, int rows)
    {
        if (ParquetRowSource.IsText(field))
        {
            return new string?[rows];
        }
        var t = field.ClrType;
        bool n = field.IsNullable;
        return t == typeof(double) ? (n ? new double?[rows] : new double[rows])
            : t == typeof(float) ? (n ? new float?[rows] : new float[rows])
            : t == typeof(long) ? (n ? new long?[rows] : new long[rows])
            : t == typeof(int) ? (n ? new int?[rows] : new int[rows])
            : t == typeof(short) ? (n ? new short?[rows] : new short[rows])
            : t == typeof(sbyte) ? (n ? new sbyte?[rows] : new sbyte[rows])
            : t == typeof(byte) ? (n ? new byte?[rows] : new byte[rows])
            : t == typeof(ushort) ? (n ? new ushort?[rows] : new ushort[rows])
            : t == typeof(uint) ? (n ? new uint?[rows] : new uint[rows])
            : t == typeof(bool) ? (n ? new bool?[rows] : new bool[rows])
            : throw new InvalidOperationException($"a column of {t.Name}");
    }

    /// <summary>A CSV input's column that the reader did not parse: its text, or its numbers where the contract says numbers.</summary>
    private void TextColumn(BufferedTrace trace, int column, Array data, int offset, int steps)
    {
        var rows = (TextRows)trace.Rows!;
        Span<Range> fields = stackalloc Range[_headers.Count];
        byte[] scratch = new byte[64];
        for (int t = 0; t < steps; t++)
        {
            var row = rows[t];
            Utf8CsvReader.SplitRaw(row, fields);
            var raw = row[fields[column]];
            var value = raw.Length > 1 && raw[0] == (byte)'"' ? Utf8CsvReader.Unquote(raw, ref scratch) : raw;
            switch (data)
            {
                case string[] text:
                    text[offset + t] = Encoding.UTF8.GetString(value);
                    break;
                case double?[] numbers:
                    numbers[offset + t] = value.IsEmpty ? null : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
                        : throw NotANumber(trace, t, column, value, "a number or an empty field");
                    break;
                case int?[] flags:
                    flags[offset + t] = value.IsEmpty ? null : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f) ? f
                        : throw NotANumber(trace, t, column, value, "an integer or an empty field");
                    break;
            }
        }
    }

    private InputException NotANumber(BufferedTrace trace, int step, int column, ReadOnlySpan<byte> value, string expected) =>
        new(null, trace.FirstLine + step, trace.FirstRow + step, _headers[column], Encoding.UTF8.GetString(value),
            $"{expected} in a column the Parquet output types as numbers");

    private static void WriteColumn(ParquetRowGroupWriter group, DataField field, Array data, int rows)
    {
        Task task = data switch
        {
            double[] a => group.WriteAsync(field, (ReadOnlyMemory<double>)a.AsMemory(0, rows)),
            double?[] a => group.WriteAsync(field, (ReadOnlyMemory<double?>)a.AsMemory(0, rows)),
            float[] a => group.WriteAsync(field, (ReadOnlyMemory<float>)a.AsMemory(0, rows)),
            float?[] a => group.WriteAsync(field, (ReadOnlyMemory<float?>)a.AsMemory(0, rows)),
            long[] a => group.WriteAsync(field, (ReadOnlyMemory<long>)a.AsMemory(0, rows)),
            long?[] a => group.WriteAsync(field, (ReadOnlyMemory<long?>)a.AsMemory(0, rows)),
            int[] a => group.WriteAsync(field, (ReadOnlyMemory<int>)a.AsMemory(0, rows)),
            int?[] a => group.WriteAsync(field, (ReadOnlyMemory<int?>)a.AsMemory(0, rows)),
            short[] a => group.WriteAsync(field, (ReadOnlyMemory<short>)a.AsMemory(0, rows)),
            short?[] a => group.WriteAsync(field, (ReadOnlyMemory<short?>)a.AsMemory(0, rows)),
            sbyte[] a => group.WriteAsync(field, (ReadOnlyMemory<sbyte>)a.AsMemory(0, rows)),
            sbyte?[] a => group.WriteAsync(field, (ReadOnlyMemory<sbyte?>)a.AsMemory(0, rows)),
            byte[] a => group.WriteAsync(field, (ReadOnlyMemory<byte>)a.AsMemory(0, rows)),
            byte?[] a => group.WriteAsync(field, (ReadOnlyMemory<byte?>)a.AsMemory(0, rows)),
            ushort[] a => group.WriteAsync(field, (ReadOnlyMemory<ushort>)a.AsMemory(0, rows)),
            ushort?[] a => group.WriteAsync(field, (ReadOnlyMemory<ushort?>)a.AsMemory(0, rows)),
            uint[] a => group.WriteAsync(field, (ReadOnlyMemory<uint>)a.AsMemory(0, rows)),
            uint?[] a => group.WriteAsync(field, (ReadOnlyMemory<uint?>)a.AsMemory(0, rows)),
            bool[] a => group.WriteAsync(field, (ReadOnlyMemory<bool>)a.AsMemory(0, rows)),
            bool?[] a => group.WriteAsync(field, (ReadOnlyMemory<bool?>)a.AsMemory(0, rows)),
            string?[] a => group.WriteAsync(field, new ArraySegment<string>(a!, 0, rows), null),
            _ => throw new InvalidOperationException($"a column of {data.GetType().Name}"),
        };
        task.GetAwaiter().GetResult();
    }
}
