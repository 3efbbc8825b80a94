namespace NeuronSurrogate.Stimuli;

/// <summary>
/// Families of currents the training generator never draws (<see cref="StimulusKind.Mixed"/> draws OU, steps, ramps,
/// Gaussian noise and pulses, all ≥ 0): oscillations, a chirp, slow noise, and shapes that go below zero. Used only to
/// test, never to train (issue 22's out-of-distribution suite).
/// </summary>
public enum OodFamily
{
    /// <summary>A sine of 2–25 Hz around a depolarizing offset.</summary>
    Sine,

    /// <summary>A sine whose frequency sweeps 0.5 → 50 Hz over the trace.</summary>
    Chirp,

    /// <summary>Ornstein–Uhlenbeck noise with a correlation time of 50–150 ms.</summary>
    SlowNoise,

    /// <summary>A hyperpolarizing current for 200–400 ms, then a depolarizing step.</summary>
    HyperpolarizeThenStep,

    /// <summary>A depolarizing baseline broken by hyperpolarizing pulses.</summary>
    HyperpolarizingPulses,

    /// <summary>4–6 equal steps from zero up.</summary>
    Staircase,

    /// <summary>A ramp from a negative current up.</summary>
    RampFromNegative,

    /// <summary>A square wave of 2–10 Hz between a negative and a depolarizing current.</summary>
    SquareWave,
}

/// <summary>Draws the currents of an <see cref="OodFamily"/>, scaled by the largest current the neuron's training drew.</summary>
public static class OodStimulus
{
    /// <summary>
    /// Fills <paramref name="currents"/> (one trace at <paramref name="dtMs"/>) with draw <paramref name="trace"/> of <paramref name="family"/>
    /// under <paramref name="seed"/>, scaled by <paramref name="scale"/>, the training generator's largest current for the neuron (its
    /// <c>MixedMaxCurrent</c>); the same arguments give the same currents.
    /// </summary>
    public static void Fill(OodFamily family, double scale, long seed, int trace, double dtMs, Span<double> currents)
    {
        var random = new TraceRandom(seed, 1000 + (int)family, trace);
        int n = currents.Length;
        double length = n * dtMs;
        switch (family)
        {
            case OodFamily.Sine:
                {
                    double hz = random.NextDouble(2, 25), offset = random.NextDouble(0.3, 0.7) * scale, amplitude = random.NextDouble(0.2, 0.5) * scale;
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = offset + amplitude * Math.Sin(2 * Math.PI * hz * t * dtMs / 1000);
                    }
                    break;
                }
            case OodFamily.Chirp:
                {
                    double offset = random.NextDouble(0.4, 0.6) * scale, amplitude = random.NextDouble(0.3, 0.5) * scale;
                    double f0 = 0.5, f1 = 50, seconds = length / 1000;
                    for (int t = 0; t < n; t++)
                    {
                        double s = t * dtMs / 1000;
                        currents[t] = offset + amplitude * Math.Sin(2 * Math.PI * (f0 * s + (f1 - f0) * s * s / (2 * seconds)));
                    }
                    break;
                }
            case OodFamily.SlowNoise:
                {
                    double tau = random.NextDouble(50, 150), mean = random.NextDouble(0.4, 0.8) * scale, sd = 0.25 * scale;
                    double decay = Math.Exp(-dtMs / tau), kick = sd * Math.Sqrt(1 - decay * decay), x = mean;
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = x;
                        x = mean + (x - mean) * decay + kick * random.NextNormal();
                    }
                    break;
                }
            case OodFamily.HyperpolarizeThenStep:
                {
                    double low = -random.NextDouble(0.2, 0.5) * scale, high = random.NextDouble(0.5, 1.0) * scale, until = random.NextDouble(200, 400);
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = t * dtMs < until ? low : high;
                    }
                    break;
                }
            case OodFamily.HyperpolarizingPulses:
                {
                    double baseline = random.NextDouble(0.5, 0.9) * scale, pulse = -random.NextDouble(0.3, 0.6) * scale;
                    double width = random.NextDouble(20, 50), period = random.NextDouble(100, 200);
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = (t * dtMs % period) < width ? pulse : baseline;
                    }
                    break;
                }
            case OodFamily.Staircase:
                {
                    int steps = 4 + random.NextInt(3);
                    double top = random.NextDouble(0.8, 1.0) * scale;
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = top * Math.Floor(t * (double)steps / n) / (steps - 1);
                    }
                    break;
                }
            case OodFamily.RampFromNegative:
                {
                    double start = -random.NextDouble(0.3, 0.6) * scale, end = random.NextDouble(0.8, 1.0) * scale;
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = start + (end - start) * t / Math.Max(1, n - 1);
                    }
                    break;
                }
            default:
                {
                    double hz = random.NextDouble(2, 10), low = -random.NextDouble(0.1, 0.3) * scale, high = random.NextDouble(0.6, 0.9) * scale;
                    for (int t = 0; t < n; t++)
                    {
                        currents[t] = (t * dtMs * hz / 1000) % 1 < 0.5 ? high : low;
                    }
                    break;
                }
        }
    }

    /// <summary>
    /// A fluctuating current no training set draws (<see cref="Fill"/>'s families are smooth; this is the suite's
    /// fluctuating set): shot noise of both signs on an offset. Excitatory and inhibitory Poisson pulse trains of 0.2–0.8
    /// pulses per ms each, every pulse a current decaying with τ 2–8 ms (excitatory) or 5–15 ms (inhibitory); the offset and
    /// the pulses' size give a mean of 0.2–0.7 × <paramref name="scale"/> and a standard deviation of 0.25–0.45 × scale
    /// (Campbell's theorem), so that the current dips below zero, hyperpolarizing, again and again. Pulses arrive at most
    /// once per step (a Bernoulli draw of rate × dt; at 0.1 ms the chance is at most 0.08).
    /// </summary>
    public static void FillShotNoise(double scale, long seed, int trace, double dtMs, Span<double> currents)
    {
        var random = new TraceRandom(seed, 1100, trace);
        double tauE = random.NextDouble(2, 8), tauI = random.NextDouble(5, 15), rateE = random.NextDouble(0.2, 0.8), rateI = random.NextDouble(0.2, 0.8);
        double mean = random.NextDouble(0.2, 0.7) * scale, sd = random.NextDouble(0.25, 0.45) * scale;
        // A train of rate r of pulses A·e^(−t/τ) has mean r·A·τ and variance r·A²·τ/2.
        double amplitude = sd * Math.Sqrt(2 / (rateE * tauE + rateI * tauI));
        double offset = mean - amplitude * (rateE * tauE - rateI * tauI);
        double decayE = Math.Exp(-dtMs / tauE), decayI = Math.Exp(-dtMs / tauI);
        // Both trains start at their means, as if they had run forever.
        double excitation = amplitude * rateE * tauE, inhibition = amplitude * rateI * tauI;
        for (int t = 0; t < currents.Length; t++)
        {
            currents[t] = offset + excitation - inhibition;
            excitation = excitation * decayE + (random.NextDouble() < rateE * dtMs ? amplitude : 0);
            inhibition = inhibition * decayI + (random.NextDouble() < rateI * dtMs ? amplitude : 0);
        }
    }
}
