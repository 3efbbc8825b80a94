using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Rollout;

/// <summary>
/// The yardsticks in every table (DESIGN section 5). None of them sees its own output, so teacher-forced and
/// closed-loop numbers coincide for them.
/// </summary>
public static class TrivialBaselines
{
    /// <summary>A flat line at the resting potential −65 mV.</summary>
    public static void ConstantRest(Span<double> predictionsMv) => predictionsMv.Fill(IzhikevichModel.InitialVoltageMv);

    /// <summary>A flat line at the training runs' mean voltage.</summary>
    public static void TrainMean(double trainMeanMv, Span<double> predictionsMv) => predictionsMv.Fill(trainMeanMv);

    /// <summary>
    /// The input-blind baseline: one noise-free simulation at the training runs' mean current, copied to every trace.
    /// On the default dataset it already scores Γ ≈ 0.55, because every trace fires at nearly the same times: a model
    /// that does not clearly beat it has not learned the input.
    /// </summary>
    public static void InputBlind(IzhikevichSimulationOptions simulation, double trainMeanCurrent, Span<double> predictionsMv, int traceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traceCount);
        int steps = predictionsMv.Length / traceCount;
        var currents = new double[steps];
        Array.Fill(currents, trainMeanCurrent);
        var trace = new double[steps];
        IzhikevichReferenceSimulator.Simulate(simulation, currents, trace);
        for (int i = 0; i < traceCount; i++)
        {
            trace.CopyTo(predictionsMv.Slice(i * steps, steps));
        }
    }
}
