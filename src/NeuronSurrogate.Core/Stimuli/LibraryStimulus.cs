namespace NeuronSurrogate.Stimuli;

/// <summary>The families of the training stimulus library (<see cref="StimulusKind.Library"/>).</summary>
public enum LibraryFamily
{
    /// <summary>1–4 steps of random level and length (20–300 ms) from a baseline that may hyperpolarize.</summary>
    StepTrain,

    /// <summary>Ornstein–Uhlenbeck noise, τ log-uniform over 0.5–40 ms or 160–250 ms.</summary>
    Noise,

    /// <summary>A sine of 0.5–2 Hz or 25–50 Hz around an offset.</summary>
    Sine,

    /// <summary>A sine whose frequency sweeps down, 50 → 0.5 Hz, over the trace.</summary>
    ChirpDown,

    /// <summary>A ramp up from a non-negative baseline or down into hyperpolarization.</summary>
    Ramp,

    /// <summary>Depolarizing pulses (1–20 ms, every 10–80 ms) on a baseline that may hyperpolarize.</summary>
    PulseTrain,

    /// <summary>A step train with fast noise (τ 1–10 ms) on top.</summary>
    NoisyStepTrain,

    /// <summary>The generator's mixed families (<see cref="StimulusKind.Mixed"/>) over 0 to the neuron's mixed range, stretched over the trace.</summary>
    Mixed,
}

/// <summary>
/// The training stimulus library (issue 22): hyperpolarizing to depolarizing currents, DC to fast fluctuations, steps,
/// ramps both ways, pulse trains and noise on steps, with amplitudes from the neuron's own <see cref="NeuronLandmarks"/>
/// (from −0.6 × <see cref="NeuronLandmarks.Top"/> to the top: block, or 3 × tonic onset where there is none; the
/// noise families may stray past those bounds by their noise).
/// </summary>
/// <remarks>
/// The out-of-distribution suite's families and ranges stay out (<see cref="OodFamily"/>): no sines of 2–25 Hz, no
/// upward chirp, no noise with τ of 50–150 ms, no ramp up from a negative current, no long hyperpolarization before a
/// step (the library's hyperpolarizing stretches are at most 300 ms and random in level), no staircase of equal steps,
/// no square wave of 2–10 Hz.
/// </remarks>
public static class LibraryStimulus
{
    /// <summary>Fills one trace with a family drawn from <paramref name="random"/>; <paramref name="mixedMax"/> is the neuron's mixed range.</summary>
    public static void Fill(NeuronLandmarks landmarks, double mixedMax, ref TraceRandom random, double dtMs, Span<double> currents)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        var family = (LibraryFamily)random.NextInt(Enum.GetValues<LibraryFamily>().Length);
        Fill(family, landmarks, mixedMax, ref random, dtMs, currents);
    }

    /// <summary>Fills one trace with <paramref name="family"/>, parameters drawn from <paramref name="random"/>.</summary>
    public static void Fill(LibraryFamily family, NeuronLandmarks landmarks, double mixedMax, ref TraceRandom random, double dtMs, Span<double> currents)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        double top = landmarks.Top, bottom = landmarks.Bottom, rheobase = landmarks.Rheobase;
        int n = currents.Length;
        double seconds = n * dtMs / 1000;
        switch (family)
        {
            case LibraryFamily.StepTrain:
            case LibraryFamily.NoisyStepTrain:
                {
                    double baseline = random.NextDouble(bottom, rheobase);
                    currents.Fill(baseline);
                    int steps = 1 + random.NextInt(4);
                    for (int s = 0; s < steps; s++)
                    {
                        double level = random.NextDouble(bottom, top);
                        int start = random.NextInt(n), length = (int)(LogUniform(ref random, 20, 300) / dtMs);
                        currents.Slice(start, Math.Min(length, n - start)).Fill(level);
                    }
                    if (family == LibraryFamily.NoisyStepTrain)
                    {
                        double tau = random.NextDouble(1, 10), sd = random.NextDouble(0.1, 0.3) * top;
                        AddNoise(ref random, currents, dtMs, tau, sd);
                    }
                    break;
                }
            case LibraryFamily.Noise:
                {
                    double tau = random.NextDouble() < 0.75 ? LogUniform(ref random, 0.5, 40) : random.NextDouble(160, 250);
                    double mean = random.NextDouble(0.5 * bottom, top), sd = random.NextDouble(0.1, 0.5) * top;
                    currents.Fill(mean);
                    AddNoise(ref random, currents, dtMs, tau, sd);
                    break;
                }
            case LibraryFamily.Sine:
                {
                    double hz = random.NextDouble() < 0.5 ? random.NextDouble(0.5, 2) : random.NextDouble(25, 50);
                    double offset = random.NextDouble(0, 0.7) * top, phase = random.NextDouble(0, 2 * Math.PI);
                    double amplitude = Math.Min(random.NextDouble(0.2, 0.6) * top, Math.Min(top - offset, offset - bottom));
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = offset + amplitude * Math.Sin(2 * Math.PI * hz * t * dtMs / 1000 + phase);
                    }
                    break;
                }
            case LibraryFamily.ChirpDown:
                {
                    double offset = random.NextDouble(0.2, 0.6) * top;
                    double amplitude = Math.Min(random.NextDouble(0.2, 0.5) * top, top - offset);
                    const double f0 = 50, f1 = 0.5;
                    for (int t = 0; t < n; t++)
                    {
                        double s = t * dtMs / 1000;
                        currents[t] = offset + amplitude * Math.Sin(2 * Math.PI * (f0 * s + (f1 - f0) * s * s / (2 * seconds)));
                    }
                    break;
                }
            case LibraryFamily.Mixed:
                StimulusGenerator.FillMixed(ref random, dtMs, currents, mixedMax);
                break;
            case LibraryFamily.Ramp:
                {
                    bool up = random.NextDouble() < 0.5;
                    double from = up ? random.NextDouble(0, rheobase) : random.NextDouble(landmarks.TonicOnset, top);
                    double to = up ? random.NextDouble(landmarks.TonicOnset, top) : random.NextDouble(bottom, 0);
                    int start = random.NextInt(n / 3), end = start + (int)(random.NextDouble(0.3, 0.66) * n);
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = from + (to - from) * Math.Clamp((t - start) / (double)Math.Max(1, end - start), 0, 1);
                    }
                    break;
                }
            default:
                {
                    double baseline = random.NextDouble(bottom, 0), amplitude = random.NextDouble(rheobase, top);
                    double width = random.NextDouble(1, 20), period = random.NextDouble(Math.Max(10, width + 2), 80), onset = random.NextDouble(0, 100);
                    for (int t = 0; t < n; t++)
                    {
                        double since = t * dtMs - onset;
                        currents[t] = since >= 0 && since % period < width ? amplitude : baseline;
                    }
                    break;
                }
        }
    }

    private static void AddNoise(ref TraceRandom random, Span<double> currents, double dtMs, double tau, double sd)
    {
        double decay = Math.Exp(-dtMs / tau), kick = sd * Math.Sqrt(1 - decay * decay), x = sd * random.NextNormal();
        for (int t = 0; t < currents.Length; t++)
        {
            currents[t] += x;
            x = x * decay + kick * random.NextNormal();
        }
    }

    private static double LogUniform(ref TraceRandom random, double low, double high) => low * Math.Exp(random.NextDouble() * Math.Log(high / low));
}
