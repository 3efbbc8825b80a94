using System.Globalization;

namespace NeuronSurrogate.Stimuli;

/// <summary>
/// The input current a dataset is driven with. Currents are in the model's units (Izhikevich 2003 writes
/// I without units; it is read as a current density, and the values below are his).
/// </summary>
/// <remarks>Variants are made with <c>with { ... }</c>; each family reads only the properties its remarks name.</remarks>
public sealed record StimulusOptions
{
    /// <summary>The family. Defaults to <see cref="StimulusKind.Gaussian"/>, the prototype's.</summary>
    public StimulusKind Kind { get; init; } = StimulusKind.Gaussian;

    /// <summary>Mean current of the Gaussian and Ornstein–Uhlenbeck families. Defaults to 10 (the prototype's).</summary>
    public double MeanCurrent { get; init; } = 10;

    /// <summary>Standard deviation of the Gaussian family per step, stationary s.d. of the OU family. Defaults to 5.</summary>
    public double StandardDeviation { get; init; } = 5;

    /// <summary>Correlation time of the OU family in ms. Defaults to 5 ms.</summary>
    public double TimeConstantMs { get; init; } = 5;

    /// <summary>Current outside the step, before a ramp, and between pulses. Defaults to 0.</summary>
    public double BaselineCurrent { get; init; }

    /// <summary>Current of the step and of the pulses, and the end value of a ramp. Defaults to 10.</summary>
    public double Amplitude { get; init; } = 10;

    /// <summary>Start of the step, ramp or pulse train, in ms from the start of the trace. Defaults to 0.</summary>
    public double OnsetMs { get; init; }

    /// <summary>End of the step or ramp in ms; <see cref="double.PositiveInfinity"/> (the default) means the end of the trace.</summary>
    public double OffsetMs { get; init; } = double.PositiveInfinity;

    /// <summary>Duration of one pulse in ms. Defaults to 5 ms.</summary>
    public double PulseWidthMs { get; init; } = 5;

    /// <summary>Time from one pulse onset to the next in ms. Defaults to 20 ms.</summary>
    public double PulsePeriodMs { get; init; } = 20;

    /// <summary>
    /// The largest current of the <see cref="StimulusKind.Mixed"/> family, in the neuron's current unit; every
    /// current range of the family scales with it. Defaults to 25, the Izhikevich RS range
    /// (<see cref="StimulusGenerator.MixedMaxCurrent"/>); a neuron model names its own (<c>INeuronModel.MixedMaxCurrent</c>).
    /// </summary>
    public double MixedMaxCurrent { get; init; } = StimulusGenerator.MixedMaxCurrent;

    /// <summary>The neuron's landmarks, which scale the <see cref="StimulusKind.Library"/> families; required for that kind.</summary>
    public NeuronLandmarks? Landmarks { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the value and the allowed range.</summary>
    public StimulusOptions Validate()
    {
        if (Kind == StimulusKind.Library && (Landmarks is null || !(Landmarks.Rheobase > 0) || !(Landmarks.TonicOnset >= Landmarks.Rheobase) || !double.IsFinite(Landmarks.Top)))
        {
            throw new ArgumentOutOfRangeException(nameof(Landmarks), Landmarks, "the library stimulus: the neuron's landmarks (rheobase > 0, tonic onset ≥ rheobase)");
        }
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown stimulus kind");
        }
        Finite(MeanCurrent, "mean current");
        Finite(BaselineCurrent, "baseline current");
        Finite(Amplitude, "amplitude");
        NonNegative(StandardDeviation, "standard deviation");
        Positive(TimeConstantMs, "OU time constant (ms)");
        NonNegative(OnsetMs, "onset (ms)");
        if (double.IsNaN(OffsetMs) || OffsetMs < OnsetMs)
        {
            throw Range("offset (ms)", OffsetMs, $"at or after the onset {OnsetMs} ms");
        }
        Positive(PulseWidthMs, "pulse width (ms)");
        Positive(PulsePeriodMs, "pulse period (ms)");
        Positive(MixedMaxCurrent, "mixed family's largest current");
        return this;

        static void Finite(double value, string name)
        {
            if (!double.IsFinite(value))
            {
                throw Range(name, value, "a finite number");
            }
        }
        static void NonNegative(double value, string name)
        {
            if (!(value >= 0) || !double.IsFinite(value))
            {
                throw Range(name, value, "a finite number ≥ 0");
            }
        }
        static void Positive(double value, string name)
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw Range(name, value, "a finite number > 0");
            }
        }
        static ArgumentOutOfRangeException Range(string name, double value, string expected) =>
            new(name, value, string.Create(CultureInfo.InvariantCulture, $"stimulus {name} = {value}: expected {expected}"));
    }
}
