using System.Globalization;

namespace NeuronSurrogate.Data;

/// <summary>
/// Streams a traces file (DESIGN section 4), CSV or Parquet by its extension, one trace at a time, checking the
/// contract as it goes: the required columns, one field per column on every row, integer run and neuron, finite
/// numbers, each trace's rows contiguous, time strictly increasing with a uniform step. Any breach is an
/// <see cref="InputException"/> naming the file, line (CSV), row, column and value. Memory is bounded by the longest
/// trace (and a Parquet row group), not the file.
/// </summary>
/// <remarks>The caller owns the reader and disposes it; it owns the file handle.</remarks>
public sealed class TraceReader : IDisposable
{
    /// <summary>Relative tolerance on a trace's time step: time columns written with 9 decimals stay well inside it.</summary>
    public const double TimeStepTolerance = 1e-6;

    /// <summary>How messages name standard input, read when the path is <c>-</c>.</summary>
    public const string StandardInputName = "standard input";

    private readonly RowSource _rows;
    private readonly string _file;
    private readonly int _runIndex, _neuronIndex, _timeIndex;
    private readonly int[] _numericIndex;
    private readonly string[] _numericNames;
    private readonly bool _keepFields;
    private readonly long? _length;
    private readonly HashSet<(long Run, long Neuron)> _finished = [];
    private bool _pending, _done;

    private TraceReader(RowSource csv, string file, IReadOnlyList<string> numericColumns, bool keepFields, IReadOnlyList<string> optionalColumns)
    {
        _rows = csv;
        _file = file;
        _keepFields = keepFields;
        _length = csv.Length;
        var headers = csv.Headers;
        if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
        {
            throw InputException.About(file,
                $"a header row with at least the columns {string.Join(',', TraceColumns.Required)} (the file is empty)");
        }
        Headers = headers.Select(h => h.Trim()).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Headers)
        {
            if (!seen.Add(name))
            {
                throw InputException.InHeader(file, name, "each column name once (it appears twice in the header)");
            }
        }
        _runIndex = Require(TraceColumns.Run);
        _neuronIndex = Require(TraceColumns.Neuron);
        _timeIndex = Require(TraceColumns.TimeMs);
        _numericNames = [.. numericColumns, .. optionalColumns.Where(c => Headers.Contains(c) && !numericColumns.Contains(c))];
        _numericIndex = _numericNames.Select(Require).ToArray();
        Buffer = new TraceBuffer(_numericNames, keepFields ? csv.NewStore() : null);

        int Require(string name)
        {
            int index = Array.IndexOf((string[])Headers, name);
            if (index < 0)
            {
                throw InputException.InHeader(file, name,
                    $"a column named '{name}' (the header has {string.Join(',', Headers)})");
            }
            return index;
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">The CSV or Parquet (<c>.parquet</c>) file, or <c>-</c> for standard input (CSV).</param>
    /// <param name="numericColumns">Columns to parse as finite numbers besides run, neuron and time_ms (e.g. current).</param>
    /// <param name="keepFields">Whether to keep every field as text, to pass other columns through.</param>
    /// <exception cref="InputException">The file is missing, empty, or its header lacks a column.</exception>
    /// <param name="optionalColumns">Columns parsed as numbers like <paramref name="numericColumns"/> where the header has them (for example a second current).</param>
    public static TraceReader Open(string path, IReadOnlyList<string> numericColumns, bool keepFields = false, IReadOnlyList<string>? optionalColumns = null)
    {
        ArgumentNullException.ThrowIfNull(numericColumns);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw InputException.BadValue(null, path ?? "", "a path to an input traces file (CSV or .parquet)");
        }
        bool standardInput = AtomicFile.IsStandardStream(path);
        if (standardInput)
        {
            // Messages say "standard input"; it is read once, as a stream.
            path = StandardInputName;
        }
        else if (Directory.Exists(path))
        {
            throw InputException.About(path, $"a {Kind(path)} file, not a folder");
        }
        else if (!File.Exists(path))
        {
            throw InputException.About(path, $"an existing {Kind(path)} file (it was not found)");
        }
        RowSource csv;
        try
        {
            csv = standardInput ? new CsvRowSource(new Utf8CsvReader(Console.OpenStandardInput()), path)
                : TraceFileFormat.IsParquet(path) ? ParquetRowSource.Open(path)
                : new CsvRowSource(Utf8CsvReader.FromFile(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputException.About(path, $"a readable file ({e.Message})");
        }
        try
        {
            return new TraceReader(csv, path, numericColumns, keepFields, optionalColumns ?? []);
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    private static string Kind(string path) => TraceFileFormat.IsParquet(path) ? "Parquet" : "CSV";

    /// <summary>The header's column names, trimmed, in file order.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The buffer <see cref="ReadTrace"/> fills; valid until the next call.</summary>
    public TraceBuffer Buffer { get; }

    /// <summary>The file being read.</summary>
    public string FilePath => _file;

    /// <summary>The share of the file read so far (0 to 1), or null for standard input.</summary>
    public double? FractionRead => _length is > 0 ? Math.Min(1, (double)_rows.BytesRead / _length.Value) : null;

    /// <summary>
    /// An error at step <paramref name="step"/> of a trace this reader read: its line where the file has lines, and its data row.
    /// </summary>
    public InputException ErrorAt(BufferedTrace trace, int step, string? column, string? value, string expected)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new InputException(_file, trace.FirstLine + step, trace.FirstRow + step, column, value, expected);
    }

    /// <summary>The data rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Reads the next trace into <see cref="Buffer"/>.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="InputException">A row breaks the contract.</exception>
    public bool ReadTrace()
    {
        var trace = Buffer;
        trace.Clear();
        if (_done)
        {
            return false;
        }
        if (!_pending && !Advance())
        {
            _done = true;
            if (RowsRead == 0)
            {
                throw InputException.About(_file, "at least one data row after the header (the file has only a header)");
            }
            return false;
        }
        _pending = false;
        var (run, neuron) = ReadKey();
        if (!_finished.Add((run, neuron)))
        {
            throw Error(TraceColumns.Run, Field(_runIndex),
                $"the rows of each trace together: trace (run {run}, neuron {neuron}) appeared earlier in the file, then other traces");
        }
        trace.Run = run;
        trace.Neuron = neuron;
        trace.FirstLine = _rows.Line;
        trace.FirstRow = RowsRead;
        AppendRow(trace);
        while (true)
        {
            if (_rows is ParquetRowSource parquet)
            {
                AppendColumns(parquet, trace);
            }
            if (!Advance())
            {
                _done = true;
                return true;
            }
            var key = ReadKey();
            if (key != (run, neuron))
            {
                _pending = true;
                return true;
            }
            AppendRow(trace);
        }
    }

    /// <summary>
    /// A Parquet row group's fast path: takes the following rows of the same trace straight from the group's arrays, as
    /// long as they pass every check <see cref="AppendRow"/> makes; it stops before the first row that does not (another
    /// trace, or a breach, which the row-by-row path then reports exactly as it would have).
    /// </summary>
    private void AppendColumns(ParquetRowSource parquet, TraceBuffer trace)
    {
        if (!parquet.TryColumns(_runIndex, _neuronIndex, _timeIndex, _numericIndex, out var group, out var runs, out var neurons, out var t,
            out var values, out int start))
        {
            return;
        }
        var times = trace.TimesMs;
        int count = times.Count;
        double first = times[0], previous = times[^1], dt = count >= 2 ? times[1] - times[0] : double.NaN;
        int end = start;
        for (; end < group.Rows; end++)
        {
            double time = t[end];
            if (runs[end] != trace.Run || neurons[end] != trace.Neuron || !double.IsFinite(time) || !(time > previous))
            {
                break;
            }
            if (count >= 2 && Math.Abs(time - (first + count * dt)) > TimeStepTolerance * dt * Math.Max(1, count))
            {
                break;
            }
            bool finite = true;
            foreach (var column in values)
            {
                finite &= double.IsFinite(column[end]);
            }
            if (!finite)
            {
                break;
            }
            if (count == 1)
            {
                dt = time - first;
            }
            previous = time;
            count++;
        }
        int rows = end - start;
        if (rows == 0)
        {
            return;
        }
        times.AddRange(t.AsSpan(start, rows));
        for (int i = 0; i < values.Length; i++)
        {
            trace.Numeric[i].AddRange(values[i].AsSpan(start, rows));
        }
        (trace.Rows as ParquetRows)?.AddRange(group, start, rows);
        parquet.Skip(rows);
        RowsRead += rows;
    }

    /// <summary>
    /// Reads the rest of the file in batches: each trace is copied (<see cref="TraceBuffer.Snapshot"/>, every numeric
    /// column) and checked by <paramref name="check"/> as it is read, and joins the current batch while
    /// <paramref name="sameBatch"/> holds between the batch's first trace and it, up to <paramref name="maxTraces"/>.
    /// </summary>
    /// <param name="maxTraces">The most traces in a batch.</param>
    /// <param name="sameBatch">Whether a trace (second argument) can join the batch of the first (equal length, for example).</param>
    /// <param name="check">Throws for a trace the caller cannot take, before any earlier batch is handed out.</param>
    /// <param name="maxRows">The most rows in a batch (a longer trace makes a batch of its own), so memory is bounded whatever the traces' length.</param>
    /// <exception cref="InputException">A row breaks the contract.</exception>
    public IEnumerable<IReadOnlyList<BufferedTrace>> ReadBatches(int maxTraces, Func<BufferedTrace, BufferedTrace, bool> sameBatch, Action<BufferedTrace>? check = null,
        long maxRows = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTraces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        ArgumentNullException.ThrowIfNull(sameBatch);
        var batch = new List<BufferedTrace>();
        long rows = 0;
        while (ReadTrace())
        {
            var trace = Buffer.Snapshot(Buffer.NumericColumns);
            check?.Invoke(trace);
            if (batch.Count > 0 && (batch.Count >= maxTraces || rows + trace.Count > maxRows || !sameBatch(batch[0], trace)))
            {
                yield return batch;
                batch = [];
                rows = 0;
            }
            batch.Add(trace);
            rows += trace.Count;
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private bool Advance()
    {
        bool more;
        try
        {
            more = _rows.Read();
        }
        catch (FormatException e)
        {
            throw new InputException(_file, _rows.Line, RowsRead + 1, null, null, $"well-formed CSV ({e.Message})");
        }
        catch (IOException e)
        {
            throw new InputException(_file, _rows.Line, null, null, null, $"a readable file ({e.Message})");
        }
        if (!more)
        {
            return false;
        }
        RowsRead++;
        if (_rows.FieldCount != Headers.Count)
        {
            throw Error(null, null, string.Create(CultureInfo.InvariantCulture,
                $"{Headers.Count} fields like the header, found {_rows.FieldCount}"));
        }
        return true;
    }

    private (long Run, long Neuron) ReadKey() => (ParseInteger(_runIndex), ParseInteger(_neuronIndex));

    private void AppendRow(TraceBuffer trace)
    {
        double time = ParseFinite(_timeIndex);
        var times = trace.TimesMs;
        if (times.Count > 0)
        {
            double previous = times[^1];
            if (!(time > previous))
            {
                throw Error(TraceColumns.TimeMs, Field(_timeIndex), string.Create(CultureInfo.InvariantCulture,
                    $"a time after the previous row's {previous} ms (time must strictly increase within trace run {trace.Run}, neuron {trace.Neuron})"));
            }
            if (times.Count >= 2)
            {
                double dt = times[1] - times[0];
                double expected = times[0] + times.Count * dt;
                if (Math.Abs(time - expected) > TimeStepTolerance * dt * Math.Max(1, times.Count))
                {
                    throw Error(TraceColumns.TimeMs, Field(_timeIndex), string.Create(CultureInfo.InvariantCulture,
                        $"{expected:R} ms: a uniform time step (dt = {dt:R} ms from the first two rows of trace run {trace.Run}, neuron {trace.Neuron})"));
                }
            }
        }
        times.Add(time);
        for (int i = 0; i < _numericIndex.Length; i++)
        {
            trace.Numeric[i].Add(ParseFinite(_numericIndex[i]));
        }
        if (_keepFields)
        {
            _rows.Keep(trace.Rows!);
        }
    }

    private long ParseInteger(int index)
    {
        if (_rows.TryInteger(index, out long value))
        {
            return value;
        }
        throw Error(Headers[index], Field(index), "an integer");
    }

    private double ParseFinite(int index)
    {
        if (_rows.TryNumber(index, out double value) && double.IsFinite(value))
        {
            return value;
        }
        throw Error(Headers[index], Field(index), "a finite number with a decimal point (invariant culture, e.g. -65.25)");
    }

    private string Field(int index) => _rows.Text(index);

    private InputException Error(string? column, string? value, string expected) =>
        new(_file, _rows.Line, RowsRead, column, value, expected);

    /// <inheritdoc />
    public void Dispose() => _rows.Dispose();
}
