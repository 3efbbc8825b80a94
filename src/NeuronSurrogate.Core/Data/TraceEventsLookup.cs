using System.Globalization;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Data;

/// <summary>
/// An input-events file's traces, handed to the traces of an input file as they are read (<c>simulate --events</c>
/// and <c>predict --events</c> alike): a trace the events file lacks gets no events, every event must fall on one
/// of its trace's steps, and every trace of the events file must be one of the input file's.
/// </summary>
public sealed class TraceEventsLookup
{
    private readonly string _eventsPath;
    private readonly Dictionary<(long Run, long Neuron), TraceEvents> _traces;
    private readonly HashSet<(long Run, long Neuron)> _used = [];

    /// <param name="eventsPath">The events file, named in errors.</param>
    /// <param name="traces">Its traces, one per (run, neuron).</param>
    public TraceEventsLookup(string eventsPath, IEnumerable<TraceEvents> traces)
    {
        _eventsPath = eventsPath;
        _traces = traces.ToDictionary(t => (t.Run, t.Neuron));
    }

    /// <summary>The events of trace (<paramref name="run"/>, <paramref name="neuron"/>), <paramref name="steps"/> steps of <paramref name="timeStepMs"/> long.</summary>
    /// <exception cref="InputException">An event falls at or after the trace's end.</exception>
    public TraceEvents For(long run, long neuron, int steps, double timeStepMs)
    {
        if (!_traces.TryGetValue((run, neuron), out var trace))
        {
            return TraceEvents.None(run, neuron);
        }
        _used.Add((run, neuron));
        CheckWithin(_eventsPath, trace, steps, timeStepMs);
        return trace;
    }

    /// <summary>
    /// Checks that every event of <paramref name="trace"/> lands on one of its <paramref name="steps"/> data steps
    /// (<see cref="EventSteps.StepOf"/>): an event at or after steps × dt could reach no recorded sample.
    /// </summary>
    /// <exception cref="InputException">The trace's last event does not.</exception>
    public static void CheckWithin(string eventsPath, TraceEvents trace, int steps, double timeStepMs)
    {
        if (trace.Count > 0 && EventSteps.StepOf(trace.TimesMs[^1], timeStepMs) >= steps)
        {
            throw new InputException(eventsPath, null, null, EventColumns.TimeMs, trace.TimesMs[^1].ToString("R", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture,
                    $"events within their trace: run {trace.Run}, neuron {trace.Neuron} has {steps} steps of {timeStepMs:R} ms (events before {steps * timeStepMs:R} ms)"));
        }
    }

    /// <summary>Checks that every trace of the events file was asked for.</summary>
    /// <exception cref="InputException">The events file has a trace that <paramref name="inputPath"/> lacks.</exception>
    public void CheckAllUsed(string inputPath)
    {
        if (_used.Count < _traces.Count)
        {
            var (run, neuron) = _traces.Keys.First(key => !_used.Contains(key));
            throw InputException.About(_eventsPath, string.Create(CultureInfo.InvariantCulture,
                $"events only for traces of {AtomicFile.DisplayName(inputPath)}: it has no trace run {run}, neuron {neuron}"));
        }
    }
}
