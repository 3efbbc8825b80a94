using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace NeuronSurrogate.Data;

/// <summary>
/// The input-events file (DESIGN section 12): <c>run,neuron,synapse,time_ms</c>, one row per input spike, each trace's
/// rows contiguous and sorted by time; CSV, or Parquet for a <c>.parquet</c> name (run and neuron int64, synapse int32,
/// time_ms double). Other columns are ignored.
/// </summary>
public static class EventFile
{
    private const int RowGroupRows = 1 << 20;

    /// <summary>The events file beside a traces file, as <c>generate --inputs synaptic</c> writes it: <c>data/x.csv</c> → <c>data/x.events.csv</c>.</summary>
    public static string PathBeside(string tracesPath)
    {
        ArgumentNullException.ThrowIfNull(tracesPath);
        string extension = Path.GetExtension(tracesPath);
        return Path.ChangeExtension(tracesPath, null) + ".events" + (extension.Length > 0 ? extension : ".csv");
    }

    /// <summary>The synapse table beside an events file: <c>data/x.events.csv</c> → <c>data/x.events.synapses.csv</c>.</summary>
    public static string SynapseTablePath(string eventsPath)
    {
        ArgumentNullException.ThrowIfNull(eventsPath);
        return Path.ChangeExtension(eventsPath, null) + ".synapses.csv";
    }

    /// <summary>
    /// The synapse count of an events file's cell: the rows of the synapse table beside it where there is one, else one
    /// more than the largest synapse id in <paramref name="events"/>.
    /// </summary>
    public static int SynapseCount(string eventsPath, IReadOnlyList<TraceEvents> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        string table = SynapseTablePath(eventsPath);
        if (File.Exists(table))
        {
            return File.ReadLines(table).Skip(1).Count(line => line.Length > 0);
        }
        return events.Select(e => e.Count == 0 ? -1 : e.Synapses.Max()).DefaultIfEmpty(-1).Max() + 1;
    }

    /// <summary>Reads every trace's events, in file order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="synapseCount">The cell's synapses: ids must lie in [0, count); null to check only that they are not negative.</param>
    /// <exception cref="InputException">The file breaks the contract (file, line or data row, column, value and what was expected).</exception>
    public static IReadOnlyList<TraceEvents> Read(string path, int? synapseCount = null)
    {
        if (!File.Exists(path))
        {
            throw InputException.About(path, "an existing input-events file (it was not found)");
        }
        RowSource source;
        try
        {
            source = TraceFileFormat.IsParquet(path) ? ParquetRowSource.Open(path) : new CsvRowSource(Utf8CsvReader.FromFile(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputException.About(path, $"a readable file ({e.Message})");
        }
        using (source)
        {
            return Read(source, path, synapseCount);
        }
    }

    private static List<TraceEvents> Read(RowSource source, string path, int? synapseCount)
    {
        var columns = EventColumns.All.Select(name => source.Headers.ToList().IndexOf(name)).ToArray();
        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c] < 0)
            {
                throw InputException.InHeader(path, EventColumns.All[c], $"the input-events columns {string.Join(',', EventColumns.All)} (this file has {string.Join(',', source.Headers)})");
            }
        }
        var traces = new List<TraceEvents>();
        var seen = new HashSet<(long, long)>();
        var synapses = new List<int>();
        var times = new List<double>();
        long run = 0, neuron = 0, row = 0;
        bool open = false;
        while (true)
        {
            try
            {
                if (!source.Read())
                {
                    break;
                }
            }
            catch (FormatException e)
            {
                throw new InputException(path, source.Line, row + 1, null, null, $"a well-formed row ({e.Message})");
            }
            row++;
            long r = Integer(0), n = Integer(1), s = Integer(2);
            double t = Number(3);
            if (s < 0 || s >= (synapseCount ?? int.MaxValue))
            {
                throw Error(2, synapseCount is { } count ? $"a synapse id from 0 to {count - 1} (the cell's synapse table)" : "a synapse id ≥ 0");
            }
            if (!(t >= 0) || double.IsInfinity(t))
            {
                throw Error(3, "a finite time ≥ 0 ms from the trace's start");
            }
            if (!open || r != run || n != neuron)
            {
                if (open)
                {
                    traces.Add(new TraceEvents(run, neuron, [.. synapses], [.. times]));
                    synapses.Clear();
                    times.Clear();
                }
                if (!seen.Add((r, n)))
                {
                    throw Error(0, $"each trace's events in one block: run {r}, neuron {n} appeared earlier, then other traces");
                }
                (run, neuron, open) = (r, n, true);
            }
            else if (t < times[^1])
            {
                throw Error(3, string.Create(CultureInfo.InvariantCulture, $"events sorted by time within a trace (the previous row of run {r}, neuron {n} is at {times[^1]:R} ms)"));
            }
            synapses.Add((int)s);
            times.Add(t);

            long Integer(int c) => source.TryInteger(columns[c], out long value) ? value : throw Error(c, "an integer");
            double Number(int c) => source.TryNumber(columns[c], out double value) ? value : throw Error(c, "a number");
            InputException Error(int c, string expected) =>
                new(path, source.Line, row, EventColumns.All[c], source.Text(columns[c]), expected);
        }
        if (open)
        {
            traces.Add(new TraceEvents(run, neuron, [.. synapses], [.. times]));
        }
        return traces;
    }

    /// <summary>Writes <paramref name="traces"/> to <paramref name="path"/> through a temporary file (see <see cref="AtomicFile"/>): Parquet for a <c>.parquet</c> name, else CSV.</summary>
    public static void Write(string path, IReadOnlyList<TraceEvents> traces) =>
        AtomicFile.Write(path, stream =>
        {
            if (TraceFileFormat.IsParquet(path))
            {
                WriteParquet(stream, traces);
            }
            else
            {
                WriteCsv(stream, traces);
            }
        }, "input-events file");

    /// <summary>Writes the events as CSV onto <paramref name="stream"/> (left open): times with the fewest digits that read back exactly.</summary>
    public static void WriteCsv(Stream stream, IReadOnlyList<TraceEvents> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        stream.Write(Encoding.ASCII.GetBytes(string.Join(',', EventColumns.All) + "\n"));
        var buffer = new byte[1 << 16];
        int used = 0;
        foreach (var trace in traces)
        {
            for (int e = 0; e < trace.Count; e++)
            {
                if (buffer.Length - used < 128)
                {
                    stream.Write(buffer, 0, used);
                    used = 0;
                }
                used += Format(buffer.AsSpan(used), trace.Run, trace.Neuron, trace.Synapses[e], trace.TimesMs[e]);
            }
        }
        stream.Write(buffer, 0, used);
    }

    private static int Format(Span<byte> into, long run, long neuron, int synapse, double time)
    {
        int at = 0;
        Utf8Formatter.TryFormat(run, into, out int n);
        at += n;
        into[at++] = (byte)',';
        Utf8Formatter.TryFormat(neuron, into[at..], out n);
        at += n;
        into[at++] = (byte)',';
        Utf8Formatter.TryFormat(synapse, into[at..], out n);
        at += n;
        into[at++] = (byte)',';
        time.TryFormat(into[at..], out n, "R", CultureInfo.InvariantCulture);
        at += n;
        into[at++] = (byte)'\n';
        return at;
    }

    /// <summary>Writes the events as Parquet onto <paramref name="stream"/> (left open), in row groups of about 2^20 events.</summary>
    public static void WriteParquet(Stream stream, IReadOnlyList<TraceEvents> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        DataField[] fields =
        [
            new(EventColumns.Run, typeof(long), false),
            new(EventColumns.Neuron, typeof(long), false),
            new(EventColumns.Synapse, typeof(int), false),
            new(EventColumns.TimeMs, typeof(double), false),
        ];
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, ParquetSettings.Options(), append: false).GetAwaiter().GetResult();
        int first = 0;
        while (first < traces.Count || (first == 0 && traces.Count == 0))
        {
            int end = first;
            long rows = 0;
            while (end < traces.Count && (end == first || rows + traces[end].Count <= RowGroupRows))
            {
                rows += traces[end++].Count;
            }
            var run = new long[rows];
            var neuron = new long[rows];
            var synapse = new int[rows];
            var time = new double[rows];
            int at = 0;
            for (int t = first; t < end; t++)
            {
                var trace = traces[t];
                run.AsSpan(at, trace.Count).Fill(trace.Run);
                neuron.AsSpan(at, trace.Count).Fill(trace.Neuron);
                trace.Synapses.CopyTo(synapse, at);
                trace.TimesMs.CopyTo(time, at);
                at += trace.Count;
            }
            using (var group = writer.CreateRowGroup())
            {
                group.WriteAsync<long>(fields[0], run).GetAwaiter().GetResult();
                group.WriteAsync<long>(fields[1], neuron).GetAwaiter().GetResult();
                group.WriteAsync<int>(fields[2], synapse).GetAwaiter().GetResult();
                group.WriteAsync<double>(fields[3], time).GetAwaiter().GetResult();
                group.CompleteValidate();
            }
            if (traces.Count == 0)
            {
                break;
            }
            first = end;
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stream.Flush();
    }
}
