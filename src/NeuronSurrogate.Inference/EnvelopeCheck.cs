using System.Globalization;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;

namespace NeuronSurrogate.Inference;

/// <summary>
/// Where a file's inputs leave a model's training envelope (<see cref="CardEnvelope"/>): per current, the traces below
/// its smallest or above its largest training value or changing faster than it ever did, and the traces longer than
/// the training traces. Fed batch by batch; <see cref="Warnings"/> gives one line per kind of excursion, with how far
/// and which traces, so a file is warned about once.
/// </summary>
public sealed class EnvelopeCheck(CardEnvelope envelope)
{
    private readonly Dictionary<string, Excursion> _excursions = [];

    private sealed class Excursion(string what, string unit)
    {
        public string What { get; } = what;
        public string Unit { get; } = unit;
        public int Traces { get; set; }
        public double Worst { get; set; } = double.NaN;
        public (long Run, long Neuron) First { get; set; }
    }

    /// <summary>The current columns the envelope covers.</summary>
    public IReadOnlyList<string> Columns => [.. envelope.Inputs.Select(i => i.Column)];

    /// <summary>Checks a batch of traces (their numeric columns must include the envelope's inputs).</summary>
    public void Add(IReadOnlyList<BufferedTrace> traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        foreach (var trace in traces)
        {
            foreach (var input in envelope.Inputs)
            {
                if (!trace.Columns.TryGetValue(input.Column, out var values) || values.Length == 0)
                {
                    continue;
                }
                double low = values.Min(), high = values.Max(), rate = CardEnvelope.LargestStep(values) / envelope.TimeStepMs;
                string unit = UnitOf(input.Unit);
                if (low < input.Min)
                {
                    Note(Invariant($"{input.Column} below its training minimum {input.Min:G4}{unit}"), unit, trace, low, lower: true);
                }
                if (high > input.Max)
                {
                    Note(Invariant($"{input.Column} above its training maximum {input.Max:G4}{unit}"), unit, trace, high, lower: false);
                }
                if (rate > input.MaxRatePerMs * (1 + 1e-9))
                {
                    string perMs = unit.Length > 0 ? unit + "/ms" : " per ms";
                    Note(Invariant($"{input.Column} changing faster than in training ({input.MaxRatePerMs:G4}{perMs} at most)"), perMs, trace, rate, lower: false);
                }
            }
            double length = trace.Count * envelope.TimeStepMs;
            if (length > envelope.TraceMs * (1 + 1e-9))
            {
                Note(Invariant($"traces longer than the training traces ({envelope.TraceMs:G4} ms)"), " ms", trace, length, lower: false);
            }
        }
    }

    private void Note(string what, string unit, BufferedTrace trace, double value, bool lower)
    {
        if (!_excursions.TryGetValue(what, out var excursion))
        {
            excursion = _excursions[what] = new Excursion(what, unit) { First = (trace.Run, trace.Neuron) };
        }
        excursion.Traces++;
        excursion.Worst = double.IsNaN(excursion.Worst) ? value : lower ? Math.Min(excursion.Worst, value) : Math.Max(excursion.Worst, value);
    }

    /// <summary>One line per kind of excursion, in the order first met.</summary>
    public IReadOnlyList<string> Warnings => [.. _excursions.Values.Select(e => Invariant(
        $"input outside the model's training envelope: {e.What} in {e.Traces} trace(s), reaching {e.Worst:G4}{e.Unit} (first: run {e.First.Run}, neuron {e.First.Neuron}); the predictions there are extrapolation"))];

    /// <summary>" nA" for a named unit; nothing where the card only says the data's own (a --data file without --current-unit).</summary>
    private static string UnitOf(string unit) => unit.Length == 0 || unit.StartsWith("as in", StringComparison.Ordinal) ? "" : " " + unit;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
