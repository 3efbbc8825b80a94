namespace NeuronSurrogate.Stimuli;

/// <summary>Fills current traces from a <see cref="StimulusOptions"/>, one seeded stream per trace.</summary>
public static class StimulusGenerator
{
    /// <summary>
    /// Ranges of the <see cref="StimulusKind.Mixed"/> family, chosen to cover the RS neuron's range from silence
    /// to fast tonic firing (its rheobase under a constant current is near I = 3.8 for dt = 0.1 ms).
    /// </summary>
    public const double MixedMaxCurrent = 25;

    /// <summary>Fills <paramref name="currents"/> (one trace, step dt) with the trace's own stream.</summary>
    /// <param name="options">The stimulus (validated by the caller).</param>
    /// <param name="seed">The dataset's global seed.</param>
    /// <param name="run">The run of the trace.</param>
    /// <param name="neuron">The neuron of the trace within its run.</param>
    /// <param name="timeStepMs">The step in ms.</param>
    /// <param name="currents">Receives one current per step.</param>
    /// <param name="input">Which current column of the trace (0: <c>current</c>; 1: a second site such as <c>current_dend</c>), each with its own stream.</param>
    public static void Fill(StimulusOptions options, long seed, long run, long neuron, double timeStepMs, Span<double> currents, int input = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        // Input 0 keeps the stream every existing dataset was made with; further inputs take neurons no run reaches.
        var random = new TraceRandom(seed, run, neuron + ((long)input << 32));
        if (options.Kind == StimulusKind.Library)
        {
            LibraryStimulus.Fill(options.Landmarks ?? throw new ArgumentException("the library stimulus needs the neuron's landmarks", nameof(options)), options.MixedMaxCurrent, ref random, timeStepMs, currents);
            return;
        }
        if (options.Kind == StimulusKind.Mixed)
        {
            options = DrawMixed(ref random, currents.Length * timeStepMs, options.MixedMaxCurrent);
        }
        Fill(options, ref random, timeStepMs, currents);
    }

    private static void Fill(StimulusOptions o, ref TraceRandom random, double dt, Span<double> currents)
    {
        switch (o.Kind)
        {
            case StimulusKind.Gaussian:
                for (int t = 0; t < currents.Length; t++)
                {
                    currents[t] = o.MeanCurrent + o.StandardDeviation * random.NextNormal();
                }
                break;
            case StimulusKind.OrnsteinUhlenbeck:
                {
                    // Exact update of dI = (μ − I)/τ dt + σ√(2/τ) dW (Gillespie 1996, Phys. Rev. E 54:2084), started
                    // from the stationary distribution, so the s.d. is σ at every step.
                    double decay = Math.Exp(-dt / o.TimeConstantMs);
                    double kick = o.StandardDeviation * Math.Sqrt(1 - decay * decay);
                    double current = o.MeanCurrent + o.StandardDeviation * random.NextNormal();
                    for (int t = 0; t < currents.Length; t++)
                    {
                        currents[t] = current;
                        current = o.MeanCurrent + (current - o.MeanCurrent) * decay + kick * random.NextNormal();
                    }
                    break;
                }
            case StimulusKind.Step:
                for (int t = 0; t < currents.Length; t++)
                {
                    double time = t * dt;
                    currents[t] = time >= o.OnsetMs && time < o.OffsetMs ? o.Amplitude : o.BaselineCurrent;
                }
                break;
            case StimulusKind.Ramp:
                {
                    double end = Math.Min(o.OffsetMs, currents.Length * dt);
                    double span = Math.Max(end - o.OnsetMs, dt);
                    for (int t = 0; t < currents.Length; t++)
                    {
                        double fraction = Math.Clamp((t * dt - o.OnsetMs) / span, 0, 1);
                        currents[t] = o.BaselineCurrent + (o.Amplitude - o.BaselineCurrent) * fraction;
                    }
                    break;
                }
            case StimulusKind.Pulses:
                for (int t = 0; t < currents.Length; t++)
                {
                    double since = t * dt - o.OnsetMs;
                    bool on = since >= 0 && since % o.PulsePeriodMs < o.PulseWidthMs;
                    currents[t] = on ? o.Amplitude : o.BaselineCurrent;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(o), o.Kind, "unknown stimulus kind");
        }
    }

    /// <summary>Fills one trace with a mixed-set family drawn from <paramref name="random"/>, over 0 to <paramref name="max"/>.</summary>
    internal static void FillMixed(ref TraceRandom random, double dt, Span<double> currents, double max) =>
        Fill(DrawMixed(ref random, currents.Length * dt, max), ref random, dt, currents);

    /// <summary>One trace's family and parameters for the mixed set, drawn from the trace's own stream.</summary>
    private static StimulusOptions DrawMixed(ref TraceRandom random, double durationMs, double max)
    {
        // Every current range scales with the family's largest current (1 for Izhikevich, so its datasets are unchanged).
        double k = max / MixedMaxCurrent;
        return random.NextInt(5) switch
        {
            0 => new StimulusOptions
            {
                Kind = StimulusKind.OrnsteinUhlenbeck,
                MeanCurrent = random.NextDouble(0, max),
                StandardDeviation = random.NextDouble(1, 6) * k,
                TimeConstantMs = random.NextDouble(1, 20),
            },
            1 => new StimulusOptions
            {
                Kind = StimulusKind.Step,
                BaselineCurrent = random.NextDouble(0, 4) * k,
                Amplitude = random.NextDouble(0, max),
                OnsetMs = random.NextDouble(0, 0.3 * durationMs),
            },
            2 => new StimulusOptions
            {
                Kind = StimulusKind.Ramp,
                BaselineCurrent = random.NextDouble(0, 10) * k,
                Amplitude = random.NextDouble(0, max),
            },
            3 => new StimulusOptions
            {
                Kind = StimulusKind.Gaussian,
                MeanCurrent = random.NextDouble(0, max),
                StandardDeviation = random.NextDouble(1, 6) * k,
            },
            _ => new StimulusOptions
            {
                Kind = StimulusKind.Pulses,
                Amplitude = random.NextDouble(5, 30) * k,
                PulseWidthMs = random.NextDouble(1, 10),
                PulsePeriodMs = random.NextDouble(10, 50),
                OnsetMs = random.NextDouble(0, 20),
            },
        };
    }
}
