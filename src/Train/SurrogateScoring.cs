using NeuronSurrogate.Data;
using NeuronSurrogate.Inference;
using NeuronSurrogate.Metrics;

namespace NeuronSurrogate.Train;

/// <summary>
/// The one evaluator of every surrogate the Train app scores, whatever its kind: the exported graph through
/// <see cref="ISurrogate"/>, closed loop (given only the currents) and teacher-forced (given the true values of the
/// columns its kind needs), summarized by <see cref="Evaluation"/>.
/// </summary>
internal static class SurrogateScoring
{
    /// <summary>The closed loop on <paramref name="traces"/>: the predictions and the traces that diverged.</summary>
    public static (double[] Predictions, int Diverged) ClosedLoop(ISurrogate model, TraceSet traces)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predictions = new double[traces.VoltagesMv.Length];
        int diverged = model.Predict(PredictionMode.ClosedLoop, Columns(traces), predictions, traces.TraceCount).Count(d => d >= 0);
        return (predictions, diverged);
    }

    /// <summary>Both modes on the test runs, what every model's row in metrics.json holds; logs the traces that diverged.</summary>
    public static TestScore Test(string name, ISurrogate model, TraceSet test, Action<string> log)
    {
        var (closed, diverged) = ClosedLoop(model, test);
        if (diverged > 0)
        {
            log($"{name}: {diverged} test traces diverged in closed loop");
        }
        var forced = new double[test.VoltagesMv.Length];
        model.Predict(PredictionMode.TeacherForced, Columns(test), forced, test.TraceCount);
        return new TestScore(new ModelResult(Evaluation.Summarize(test, closed), Evaluation.Summarize(test, forced)), closed, diverged);
    }

    /// <summary>Every column of a set by name, as <see cref="ISurrogate.Predict"/> takes them: the currents, the voltage, the recovery where present.</summary>
    public static Dictionary<string, double[]> Columns(TraceSet traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var columns = traces.Inputs.ToDictionary(i => i.Column, i => i.Values);
        columns[TraceColumns.Voltage] = traces.VoltagesMv;
        if (traces.Recovery is not null)
        {
            columns[TraceColumns.Recovery] = traces.Recovery;
        }
        return columns;
    }
}
