using System.Globalization;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Features;

/// <summary>
/// The single source of truth for a voltage-lag model's inputs: which lags of V and of I, in which order, under
/// which names, at which dt, and how the history is padded at the start of a trace. Training, export, the model card
/// and inference all read it from here.
/// </summary>
/// <remarks>
/// <para>Features at step t, in order: V(t−k) for k in <see cref="VoltageLags"/>, then I(t−m) for m in
/// <see cref="CurrentLags"/>. The target is V(t) (or its increment). A recorded V(t) depends on I(0..t−1) only
/// (DESIGN section 3: current t drives the update from t to t + 1), so current lags start at 1 by default.</para>
/// <para>No target leakage: a voltage lag of 0 would put V(t) among the inputs and is rejected by
/// <see cref="Validate"/>. Before the start of a trace, V is padded with the resting value v0 and I with 0
/// (DESIGN section 4).</para>
/// </remarks>
public sealed record FeatureSpec
{
    /// <summary>Lags of the voltage, each ≥ 1. Defaults to 1..8.</summary>
    public IReadOnlyList<int> VoltageLags { get; init; } = Range(8);

    /// <summary>Lags of the current, each ≥ 0 (0 is I(t), which a recorded V(t) does not depend on). Defaults to 1..8.</summary>
    public IReadOnlyList<int> CurrentLags { get; init; } = Range(8);

    /// <summary>The step of the traces in ms. Defaults to 0.1 ms.</summary>
    public double TimeStepMs { get; init; } = 0.1;

    /// <summary>The value V takes before the start of a trace (mV). Defaults to the simulator's v0 = −65 mV.</summary>
    public double VoltagePaddingMv { get; init; } = IzhikevichModel.InitialVoltageMv;

    /// <summary>The value I takes before the start of a trace. Defaults to 0.</summary>
    public double CurrentPadding { get; init; }

    /// <summary>What the model predicts. Defaults to <see cref="FeatureTarget.Increment"/>.</summary>
    public FeatureTarget Target { get; init; } = FeatureTarget.Increment;

    /// <summary>The <c>k</c> lags 1..k.</summary>
    public static IReadOnlyList<int> Range(int k) => Enumerable.Range(1, k).ToArray();

    /// <summary>The number of features.</summary>
    public int Count => VoltageLags.Count + CurrentLags.Count;

    /// <summary>The largest lag of either signal: the history a rollout must keep.</summary>
    public int MaxLag => Math.Max(VoltageLags.Count > 0 ? VoltageLags.Max() : 0, CurrentLags.Count > 0 ? CurrentLags.Max() : 0);

    /// <summary>The feature names in order: <c>v_lag1</c>… then <c>i_lag1</c>….</summary>
    public IReadOnlyList<string> Names =>
        [.. VoltageLags.Select(k => $"v_lag{k}"), .. CurrentLags.Select(m => m == 0 ? "i_t" : $"i_lag{m}")];

    /// <summary>Throws <see cref="ArgumentException"/> for a layout that leaks the target or makes no sense.</summary>
    public FeatureSpec Validate()
    {
        if (VoltageLags.Any(k => k < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"voltage lags [{string.Join(", ", VoltageLags)}]: every voltage lag must be ≥ 1; lag 0 would feed V(t), the target, to the model (target leakage)"));
        }
        if (CurrentLags.Any(m => m < 0))
        {
            throw new ArgumentException($"current lags [{string.Join(", ", CurrentLags)}]: a negative lag would read the future");
        }
        if (VoltageLags.Distinct().Count() != VoltageLags.Count || CurrentLags.Distinct().Count() != CurrentLags.Count)
        {
            throw new ArgumentException("each lag may appear once");
        }
        if (Count == 0)
        {
            throw new ArgumentException("a model needs at least one feature");
        }
        if (Target == FeatureTarget.Increment && !VoltageLags.Contains(1))
        {
            throw new ArgumentException("an increment target needs V(t−1), voltage lag 1");
        }
        if (!(TimeStepMs > 0) || !double.IsFinite(TimeStepMs))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"time step {TimeStepMs} ms: expected a positive number"));
        }
        if (!double.IsFinite(VoltagePaddingMv) || !double.IsFinite(CurrentPadding))
        {
            throw new ArgumentException("padding values must be finite");
        }
        return this;
    }

    /// <summary>Writes the features of step <paramref name="t"/> of one trace into <paramref name="features"/>.</summary>
    /// <param name="voltagesMv">The trace's voltages; only steps before t are read.</param>
    /// <param name="currents">The trace's currents; only steps up to t − (smallest current lag) are read.</param>
    /// <param name="t">The step whose voltage is the target.</param>
    /// <param name="features">Receives <see cref="Count"/> values.</param>
    public void Fill(ReadOnlySpan<double> voltagesMv, ReadOnlySpan<double> currents, int t, Span<float> features)
    {
        int f = 0;
        foreach (int k in VoltageLags)
        {
            features[f++] = (float)(t - k >= 0 ? voltagesMv[t - k] : VoltagePaddingMv);
        }
        foreach (int m in CurrentLags)
        {
            features[f++] = (float)(t - m >= 0 ? currents[t - m] : CurrentPadding);
        }
    }

    /// <summary>The training target of step t: V(t), or V(t) − V(t−1) with the padded V(−1).</summary>
    public double TargetOf(ReadOnlySpan<double> voltagesMv, int t) =>
        Target == FeatureTarget.Voltage ? voltagesMv[t] : voltagesMv[t] - (t >= 1 ? voltagesMv[t - 1] : VoltagePaddingMv);

    /// <summary>Turns a model output back into V(t), given the V(t−1) the model was fed.</summary>
    public double VoltageFrom(double output, double previousVoltageMv) =>
        Target == FeatureTarget.Voltage ? output : previousVoltageMv + output;
}
