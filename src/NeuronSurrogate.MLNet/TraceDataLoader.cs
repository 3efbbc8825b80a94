using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.MLNet;

/// <summary>
/// Loads a traces CSV as a cached ML.NET <see cref="IDataView"/> (read through the validating <see cref="TraceReader"/>,
/// columns found by header name) and materializes a view, such as one side of a split, into a <see cref="TraceSet"/> for the rollouts.
/// </summary>
public static class TraceDataLoader
{
    /// <summary>Loads <paramref name="path"/> into memory, parsed once by <see cref="TraceReader"/>, which checks the contract
    /// row by row, so a bad file is reported with its line and column instead of turning into silent missing values.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="path">The traces CSV (run, neuron, time_ms, current, voltage; recovery when asked).</param>
    /// <param name="withRecovery">Whether to load the recovery column too.</param>
    /// <param name="otherInputs">Further current columns to load (such as <c>current_dend</c>); each must start with <c>current_</c>.</param>
    /// <exception cref="InputException">The file breaks the traces contract.</exception>
    public static IDataView Load(MLContext ml, string path, bool withRecovery = false, IReadOnlyList<string>? otherInputs = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        otherInputs ??= [];
        foreach (var column in otherInputs)
        {
            if (!column.StartsWith(OtherInputPrefix, StringComparison.Ordinal))
            {
                throw InputException.BadValue(path, column, $"a further current column named {OtherInputPrefix}… (such as {TraceColumns.CurrentDend})");
            }
        }
        string[] numeric = [TraceColumns.Current, TraceColumns.Voltage, .. withRecovery ? [TraceColumns.Recovery] : Array.Empty<string>(), .. otherInputs];
        var file = new TraceCsvDataView(path, numeric);
        // Cached with every column prefetched, so one cursor over the file fills them all; read now, so a bad row fails here
        // with its line and column, and the split and its sides read the rows from memory.
        var cached = ml.Data.Cache(file, [.. file.Schema.Select(c => c.Name)]);
        try
        {
            using var cursor = cached.GetRowCursor(cached.Schema);
            while (cursor.MoveNext())
            {
            }
        }
        catch (InvalidOperationException e) when (e.InnerException is InputException bad)
        {
            // The cache fills on its own thread and wraps what the reader threw.
            ExceptionDispatchInfo.Throw(bad);
        }
        return cached;
    }

    /// <summary>Further current columns start with this (<c>current_dend</c>).</summary>
    public const string OtherInputPrefix = "current_";

    /// <summary>The further current columns of a header: <c>current_…</c> columns, in header order.</summary>
    public static IReadOnlyList<string> OtherInputsOf(IReadOnlyList<string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.Where(h => h.StartsWith(OtherInputPrefix, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>Reads a view's rows into traces of equal length (each trace's rows contiguous and in time order).</summary>
    /// <param name="view">A view with the trace columns, e.g. one side of a split.</param>
    /// <param name="source">Named in error messages.</param>
    /// <exception cref="InputException">The traces do not all have the same length and step.</exception>
    public static TraceSet ToTraceSet(IDataView view, string source)
    {
        ArgumentNullException.ThrowIfNull(view);
        bool withRecovery = view.Schema.GetColumnOrNull(TraceColumns.Recovery) is not null;
        var schema = view.Schema;
        var wanted = new List<DataViewSchema.Column>
        {
            schema[TraceColumns.Run], schema[TraceColumns.Neuron], schema[TraceColumns.TimeMs], schema[TraceColumns.Current], schema[TraceColumns.Voltage],
        };
        if (withRecovery)
        {
            wanted.Add(schema[TraceColumns.Recovery]);
        }
        var others = schema.Where(c => c.Name.StartsWith(OtherInputPrefix, StringComparison.Ordinal) && !c.IsHidden).ToArray();
        wanted.AddRange(others);
        var otherValues = others.Select(_ => new List<double>()).ToArray();
        var runs = new List<long>();
        var neurons = new List<long>();
        var currents = new List<double>();
        var voltages = new List<double>();
        var recovery = new List<double>();
        var times = new List<double>();
        int steps = -1;
        double dt = double.NaN;
        using (var cursor = view.GetRowCursor(wanted))
        {
            var getRun = cursor.GetGetter<long>(schema[TraceColumns.Run]);
            var getNeuron = cursor.GetGetter<long>(schema[TraceColumns.Neuron]);
            var getTime = cursor.GetGetter<double>(schema[TraceColumns.TimeMs]);
            var getCurrent = cursor.GetGetter<double>(schema[TraceColumns.Current]);
            var getVoltage = cursor.GetGetter<double>(schema[TraceColumns.Voltage]);
            var getRecovery = withRecovery ? cursor.GetGetter<double>(schema[TraceColumns.Recovery]) : null;
            var getOthers = others.Select(c => cursor.GetGetter<double>(c)).ToArray();
            long run = 0, neuron = 0, currentRun = long.MinValue, currentNeuron = long.MinValue;
            double time = 0, value = 0;
            while (cursor.MoveNext())
            {
                getRun(ref run);
                getNeuron(ref neuron);
                if (run != currentRun || neuron != currentNeuron)
                {
                    CloseTrace();
                    runs.Add(run);
                    neurons.Add(neuron);
                    currentRun = run;
                    currentNeuron = neuron;
                }
                getTime(ref time);
                times.Add(time);
                getCurrent(ref value);
                currents.Add(value);
                getVoltage(ref value);
                voltages.Add(value);
                if (getRecovery is not null)
                {
                    getRecovery(ref value);
                    recovery.Add(value);
                }
                for (int i = 0; i < getOthers.Length; i++)
                {
                    getOthers[i](ref value);
                    otherValues[i].Add(value);
                }
            }
            CloseTrace();
        }
        if (runs.Count == 0)
        {
            throw InputException.About(source, "at least one trace");
        }
        return new TraceSet([.. runs], [.. neurons], steps, dt, [.. currents], [.. voltages], withRecovery ? [.. recovery] : null,
            others.Select((c, i) => (c.Name, otherValues[i].ToArray())).ToArray());

        void CloseTrace()
        {
            if (times.Count == 0)
            {
                return;
            }
            double traceDt = times.Count >= 2 ? times[1] - times[0] : double.NaN;
            if (steps < 0)
            {
                steps = times.Count;
                dt = traceDt;
            }
            else if (times.Count != steps || Math.Abs(traceDt - dt) > TraceReader.TimeStepTolerance * dt)
            {
                throw InputException.InColumn(source, TraceColumns.TimeMs, null, string.Create(CultureInfo.InvariantCulture,
                    $"every trace with {steps} steps of {dt} ms for batched training and evaluation; trace (run {runs[^1]}, neuron {neurons[^1]}) has {times.Count} steps of {traceDt} ms"));
            }
            times.Clear();
        }
    }
}
