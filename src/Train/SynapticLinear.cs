using System.Diagnostics;
using System.Numerics;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Torch;

namespace NeuronSurrogate.Train;

/// <summary>
/// The linear baseline of the synaptic comparison (<c>--synaptic --linear</c>): the soma voltage clipped at −55 mV at the
/// end of each 1 ms bin as a linear function of every synapse's events, each filtered by a few exponential kernels (a
/// linear filter per synapse, the field's simplest model). Fitted by ridge regression on the training traces, its penalty
/// chosen on the validation traces. It sees only the input events, and it says what of the voltage is linear in them.
/// </summary>
internal sealed class SynapticLinear
{
    /// <summary>The kernels' time constants (ms) unless told otherwise: the AMPA and GABA_A decays and NMDA's.</summary>
    public static readonly IReadOnlyList<double> DefaultTausMs = [3, 20, 80];

    /// <summary>The penalties tried, relative to the mean diagonal of XᵀX.</summary>
    public static readonly IReadOnlyList<double> Penalties = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

    private const int BinSteps = SynapticTcn.BinSteps;
    private readonly double[] _weights;
    private readonly double _mean;

    private SynapticLinear(int synapses, IReadOnlyList<double> tausMs, double[] weights, double mean, double penalty)
    {
        Synapses = synapses;
        TausMs = tausMs;
        _weights = weights;
        _mean = mean;
        Penalty = penalty;
    }

    /// <summary>The number of synapses.</summary>
    public int Synapses { get; }

    /// <summary>The kernels' time constants, ms.</summary>
    public IReadOnlyList<double> TausMs { get; }

    /// <summary>The chosen penalty, relative to the mean diagonal of XᵀX.</summary>
    public double Penalty { get; }

    /// <summary>The weight of synapse <paramref name="synapse"/>'s events filtered by kernel <paramref name="kernel"/> (mV per filtered event).</summary>
    public double Weight(int synapse, int kernel) => _weights[synapse * TausMs.Count + kernel];

    /// <summary>The prediction when no synapse has had an event (mV).</summary>
    public double OffsetMv => _mean + _weights[^1];

    /// <summary>
    /// The rows of a synaptic latent model's projection W that make its input traces hold this filter: with
    /// W[m, s] = c[s, m] / ((1 − e_m) σ), channel m's trace of time constant m is Σ_s c[s, m] · (synapse s's events filtered
    /// by that kernel) / σ, so the diagonal traces sum to (prediction − <see cref="OffsetMv"/>) / σ, in the model's voltage
    /// scale σ. Row-major [M, S], one row per kernel.
    /// </summary>
    /// <exception cref="ArgumentException">The model's steps are not this fit's 1 ms bins, or its time constants are not these kernels.</exception>
    public float[] ProjectionRows(LatentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.StepFactor != BinSteps || spec.Synapses != Synapses || !spec.InputTimeConstantsMs.SequenceEqual(TausMs) || spec.InputChannels < TausMs.Count)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"a latent model of k {spec.StepFactor}, {spec.Synapses} synapses, {spec.InputChannels} channels and τ {string.Join("/", spec.InputTimeConstantsMs)} ms: expected k {BinSteps}, {Synapses} synapses, τ {string.Join("/", TausMs)} ms and a channel per kernel"));
        }
        var decays = spec.InputDecays();
        var rows = new float[TausMs.Count * Synapses];
        for (int m = 0; m < TausMs.Count; m++)
        {
            for (int s = 0; s < Synapses; s++)
            {
                rows[m * Synapses + s] = (float)(Weight(s, m) / ((1 - decays[m]) * spec.VoltageScaleMv));
            }
        }
        return rows;
    }

    /// <summary>Weights: one per synapse and kernel, and the intercept.</summary>
    public int Parameters => _weights.Length;

    /// <summary>
    /// Fits on every 1 ms bin of the training traces, one penalty per entry of <see cref="Penalties"/>, and keeps the one
    /// with the lowest clipped RMSE over the validation traces' bins. Deterministic: sums in a fixed order.
    /// </summary>
    public static (SynapticLinear Model, double Seconds, IReadOnlyList<(double Penalty, double ValidationRmseMv)> Path) Fit(
        TraceSet train, TraceSet validation, IReadOnlyList<double> tausMs)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(tausMs);
        if (tausMs.Count == 0 || tausMs.Any(tau => !(tau > 0) || double.IsInfinity(tau)))
        {
            throw new ArgumentException($"kernel time constants {string.Join(", ", tausMs)} ms: expected one or more, each finite and > 0");
        }
        int synapses = train.SynapseCount, p = synapses * tausMs.Count + 1;
        var clock = Stopwatch.StartNew();
        double mean = 0;
        long count = 0;
        for (int trace = 0; trace < train.TraceCount; trace++)
        {
            foreach (float v in SynapticTcn.Targets(train, trace, train.Steps / BinSteps).Voltage)
            {
                mean += v;
                count++;
            }
        }
        mean /= Math.Max(1, count);
        var gram = new double[p * p];
        var moment = new double[p];
        for (int trace = 0; trace < train.TraceCount; trace++)
        {
            int bins = train.Steps / BinSteps;
            var columns = Features(train.Events![trace], train.TimeStepMs, synapses, bins, tausMs);
            var target = SynapticTcn.Targets(train, trace, bins).Voltage.Select(v => (float)(v - mean)).ToArray();
            // Rows of the upper triangle are independent: each row's sums run in one order whatever the thread.
            Parallel.For(0, p, i =>
            {
                for (int j = i; j < p; j++)
                {
                    gram[i * p + j] += Dot(columns[i], columns[j]);
                }
                moment[i] += Dot(columns[i], target);
            });
        }
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < i; j++)
            {
                gram[i * p + j] = gram[j * p + i];
            }
        }
        double diagonal = Enumerable.Range(0, p).Average(i => gram[i * p + i]);
        var models = Penalties.Select(penalty => new SynapticLinear(synapses, tausMs, Solve(gram, moment, p, penalty * diagonal), mean, penalty)).ToArray();
        // One pass over the validation traces scores every penalty: each trace's features are built once.
        var squared = new double[models.Length];
        long validationBins = 0;
        for (int trace = 0; trace < validation.TraceCount; trace++)
        {
            int bins = validation.Steps / BinSteps;
            var columns = Features(validation.Events![trace], validation.TimeStepMs, synapses, bins, tausMs);
            var truth = SynapticTcn.Targets(validation, trace, bins).Voltage;
            for (int m = 0; m < models.Length; m++)
            {
                var predicted = models[m].Predict(columns, bins);
                for (int b = 0; b < bins; b++)
                {
                    double d = Math.Min(FieldMetrics.ClipMv, predicted[b]) - truth[b];
                    squared[m] += d * d;
                }
            }
            validationBins += bins;
        }
        var path = models.Select((model, m) => (model.Penalty, ValidationRmseMv: Math.Sqrt(squared[m] / Math.Max(1, validationBins)))).ToArray();
        var best = models[Enumerable.Range(0, models.Length).MinBy(m => path[m].ValidationRmseMv)];
        return (best, clock.Elapsed.TotalSeconds, path);
    }

    /// <summary>The predicted voltage (mV) at the end of each 1 ms bin of one trace.</summary>
    public double[] PredictBins(TraceSet traces, int trace)
    {
        ArgumentNullException.ThrowIfNull(traces);
        int bins = traces.Steps / BinSteps;
        return Predict(Features(traces.Events![trace], traces.TimeStepMs, Synapses, bins, TausMs), bins);
    }

    /// <summary>The predicted voltage (mV) at the end of each bin from a trace's <see cref="Features"/>.</summary>
    private double[] Predict(float[][] columns, int bins)
    {
        var predicted = new double[bins];
        Array.Fill(predicted, _mean);
        for (int i = 0; i < columns.Length; i++)
        {
            double w = _weights[i];
            var column = columns[i];
            for (int b = 0; b < bins; b++)
            {
                predicted[b] += w * column[b];
            }
        }
        return predicted;
    }

    /// <summary>
    /// Every trace of a set at the data step (the voltage predicted for the end of bin b held over its steps, as the TCN's
    /// is): the field's metrics with the predicted voltage as the spike score, and the predictions.
    /// </summary>
    public (MetricSummary Summary, double[] VoltageMv) Score(TraceSet traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var voltage = new double[traces.VoltagesMv.Length];
        var field = new FieldMetrics();
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var bins = PredictBins(traces, trace);
            for (int t = 0; t < traces.Steps; t++)
            {
                voltage[trace * traces.Steps + t] = bins[SynapticTcn.VoltageBinOf(t, bins.Length)];
            }
            field.Add(traces.Trace(traces.VoltagesMv, trace), voltage.AsSpan(trace * traces.Steps, traces.Steps), traces.TimeStepMs);
        }
        return (field.AddTo(new MetricSummary { Traces = traces.TraceCount }), voltage);
    }

    /// <summary>One column per synapse and kernel (synapse-major), each the events per bin filtered by exp(−t/τ), then a column of ones.</summary>
    internal static float[][] Features(TraceEvents events, double timeStepMs, int synapses, int bins, IReadOnlyList<double> tausMs)
    {
        var counts = SynapticTcn.Bin(events, timeStepMs, synapses, bins);
        var columns = new float[synapses * tausMs.Count + 1][];
        for (int s = 0; s < synapses; s++)
        {
            for (int k = 0; k < tausMs.Count; k++)
            {
                double decay = Math.Exp(-BinSteps * timeStepMs / tausMs[k]), filtered = 0;
                var column = columns[s * tausMs.Count + k] = new float[bins];
                for (int b = 0; b < bins; b++)
                {
                    filtered = filtered * decay + counts[s * bins + b];
                    column[b] = (float)filtered;
                }
            }
        }
        columns[^1] = new float[bins];
        Array.Fill(columns[^1], 1f);
        return columns;
    }

    private static double Dot(float[] a, float[] b)
    {
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a, i) * new Vector<float>(b, i);
        }
        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }
        return total;
    }

    /// <summary>(G + λI) w = m by Cholesky; G symmetric positive semi-definite, λ &gt; 0.</summary>
    private static double[] Solve(double[] gram, double[] moment, int p, double penalty)
    {
        var l = new double[p * p];
        for (int j = 0; j < p; j++)
        {
            double d = gram[j * p + j] + penalty;
            for (int k = 0; k < j; k++)
            {
                d -= l[j * p + k] * l[j * p + k];
            }
            d = Math.Sqrt(d);
            l[j * p + j] = d;
            for (int i = j + 1; i < p; i++)
            {
                double s = gram[i * p + j];
                for (int k = 0; k < j; k++)
                {
                    s -= l[i * p + k] * l[j * p + k];
                }
                l[i * p + j] = s / d;
            }
        }
        var z = new double[p];
        for (int i = 0; i < p; i++)
        {
            double s = moment[i];
            for (int k = 0; k < i; k++)
            {
                s -= l[i * p + k] * z[k];
            }
            z[i] = s / l[i * p + i];
        }
        var w = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < p; k++)
            {
                s -= l[k * p + i] * w[k];
            }
            w[i] = s / l[i * p + i];
        }
        return w;
    }
}
