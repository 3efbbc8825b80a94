using System.Diagnostics;
using NeuronSurrogate.Data;
using NeuronSurrogate.Metrics;
using NeuronSurrogate.Rollout;
using NeuronSurrogate.Stimuli;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The comparison issue 24 asks for: a temporal convolutional network in the style of Beniaguev, Segev and London 2021,
/// which maps the history of every synapse's input to the soma's voltage (clipped at −55 mV) and spike probability in
/// each 1 ms bin. Feed-forward: it never reads a voltage, its own or the simulator's. A 1×1 projection of the synapses'
/// binned counts to C channels, then causal dilated convolutions (kernel 3, dilations 1, 2, 4, …) with residual
/// connections and SiLU, then two 1×1 heads. Trained by Adam on windows of whole bins; an experiment, not a shipped kind.
/// With a dendritic input stage (<c>dendrites</c> &gt; 0), every synapse's counts are first filtered by exp(−t/τ) for each
/// of <see cref="DendriteTausMs"/>, and those traces pass through a 1×1 layer of that many units with SiLU before the
/// projection: a nonlinearity on the synapses' recent history, where NMDA's voltage-dependent block acts, which the
/// linear projection of the counts cannot express.
/// </summary>
public sealed class SynapticTcn : nn.Module
{
    /// <summary>Data steps per bin: 1 ms at 0.1 ms.</summary>
    public const int BinSteps = 10;

    /// <summary>The time constants (ms, bins of 1 ms) of the dendritic input stage's per-synapse traces.</summary>
    public static readonly IReadOnlyList<double> DendriteTausMs = [3, 20, 80];

    /// <summary>Bins of history each dendritic trace is built over before its window: five of the longest time constant.</summary>
    private const int TraceHistoryBins = 400;

    private readonly Conv1d? _dendrites;
    private readonly Conv1d _projection;
    private readonly ModuleList<Conv1d> _layers;
    private readonly Conv1d _head;
    private readonly long[] _dilations;
    private readonly double _voltageMean, _voltageScale;

    public SynapticTcn(int synapses, int channels, int layers, int dendrites, double voltageMean, double voltageScale) : base(nameof(SynapticTcn))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dendrites);
        Synapses = synapses;
        if (dendrites > 0)
        {
            _dendrites = nn.Conv1d(synapses * DendriteTausMs.Count, dendrites, 1);
        }
        _projection = nn.Conv1d(dendrites > 0 ? dendrites : synapses, channels, 1, bias: false);
        _dilations = Enumerable.Range(0, layers).Select(i => 1L << i).ToArray();
        _layers = new ModuleList<Conv1d>(_dilations.Select(d => nn.Conv1d(channels, channels, 3, dilation: d)).ToArray());
        _head = nn.Conv1d(channels, 2, 1);
        _voltageMean = voltageMean;
        _voltageScale = voltageScale;
        RegisterComponents();
    }

    public int Synapses { get; }

    /// <summary>Input rows per bin: the synapses' counts, or with a dendritic stage their traces (τ-major).</summary>
    public int InputRows => _dendrites is null ? Synapses : Synapses * DendriteTausMs.Count;

    /// <summary>Bins of input history each output sees.</summary>
    public long ReceptiveBins => 1 + 2 * _dilations.Sum();

    /// <summary>Inputs <c>[B, InputRows, T]</c> (T bins, <see cref="Inputs"/>) → standardized clipped voltage and spike logit, <c>[B, 2, T]</c>, causal.</summary>
    public Tensor Forward(Tensor inputs)
    {
        var x = _projection.forward(_dendrites is null ? inputs : nn.functional.silu(_dendrites.forward(inputs)));
        for (int i = 0; i < _dilations.Length; i++)
        {
            var padded = nn.functional.pad(x, [2 * _dilations[i], 0]);
            x = x.add(nn.functional.silu(_layers[i].forward(padded)), TorchScalars.One);
        }
        return _head.forward(x);
    }

    /// <summary>A trace's events as counts per bin <c>[S, bins]</c>, flat.</summary>
    public static float[] Bin(TraceEvents events, double timeStepMs, int synapses, int bins)
    {
        var (steps, ids) = EventSteps.Of(events, timeStepMs, synapses);
        return Counts(steps, ids, synapses, 0, bins);
    }

    /// <summary>Events (data step, synapse), sorted by step, as counts in bins <paramref name="first"/> … <paramref name="first"/> + <paramref name="bins"/> − 1, flat <c>[S, bins]</c>.</summary>
    private static float[] Counts(int[] steps, int[] ids, int synapses, int first, int bins)
    {
        var counts = new float[synapses * bins];
        for (int i = EventSteps.FirstAtOrAfter(steps, first * BinSteps); i < steps.Length && steps[i] / BinSteps < first + bins; i++)
        {
            counts[ids[i] * bins + steps[i] / BinSteps - first] += 1;
        }
        return counts;
    }

    /// <summary>
    /// The model's inputs for bins <paramref name="from"/> … <paramref name="from"/> + <paramref name="bins"/> − 1 of a trace
    /// whose events are (data step, synapse) sorted by step, flat <c>[InputRows, bins]</c>: the counts, or their traces
    /// (each bin's counts added after the decay, so a bin's own events count fully), built from up to
    /// <see cref="TraceHistoryBins"/> bins before the window.
    /// </summary>
    public float[] Inputs(int[] steps, int[] ids, int from, int bins)
    {
        int history = _dendrites is null ? 0 : Math.Min(from, TraceHistoryBins), span = history + bins, first = from - history;
        var counts = Counts(steps, ids, Synapses, first, span);
        if (_dendrites is null)
        {
            return counts;
        }
        var traces = new float[InputRows * bins];
        for (int j = 0; j < DendriteTausMs.Count; j++)
        {
            float decay = (float)Math.Exp(-1 / DendriteTausMs[j]);
            for (int synapse = 0; synapse < Synapses; synapse++)
            {
                float trace = 0;
                var row = counts.AsSpan(synapse * span, span);
                var into = traces.AsSpan((j * Synapses + synapse) * bins, bins);
                for (int b = 0; b < span; b++)
                {
                    trace = trace * decay + row[b];
                    if (b >= history)
                    {
                        into[b - history] = trace;
                    }
                }
            }
        }
        return traces;
    }

    /// <summary>The bin whose predicted end-of-bin voltage stands for a data step: bin b's for steps 10b + 1 … 10b + 10.</summary>
    public static int VoltageBinOf(int step, int bins) => Math.Clamp((step - 1) / BinSteps, 0, bins - 1);

    /// <summary>The clipped voltage at the end of each bin, and whether the truth spikes in it (<see cref="FieldMetrics"/>'s bins).</summary>
    public static (float[] Voltage, float[] Spike) Targets(TraceSet traces, int trace, int bins)
    {
        var v = traces.Trace(traces.VoltagesMv, trace);
        var voltage = new float[bins];
        var spike = new float[bins];
        for (int b = 0; b < bins; b++)
        {
            voltage[b] = (float)Math.Min(FieldMetrics.ClipMv, v[Math.Min(v.Length - 1, (b + 1) * BinSteps)]);
        }
        foreach (double t in SpikeDetector.Detect(v, traces.TimeStepMs))
        {
            int b = (int)Math.Floor(t / FieldMetrics.BinMs);
            if (b < bins)
            {
                spike[b] = 1;
            }
        }
        return (voltage, spike);
    }

    /// <summary>
    /// Trains on windows of <paramref name="windowBins"/> bins (the first receptive field of each only warms up), Adam with
    /// a cosine schedule, loss = MSE of the standardized clipped voltage + the spike head's cross-entropy; keeps the weights
    /// with the best spike AUC on the validation traces. Deterministic for a seed with one thread.
    /// </summary>
    public static (SynapticTcn Model, double Seconds, IReadOnlyList<(int Iteration, double Auc, double RmseClipped)> History) Train(
        TraceSet train, TraceSet validation, int channels, int layers, int dendrites, int iterations, int batch, int windowBins, int seed, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        TorchRuntime.Initialize(1);
        random.manual_seed(seed);
        var clipped = train.VoltagesMv.Select(v => Math.Min(FieldMetrics.ClipMv, v)).ToArray();
        double mean = clipped.Average(), scale = Math.Sqrt(clipped.Average(v => (v - mean) * (v - mean)));
        var model = new SynapticTcn(train.SynapseCount, channels, layers, dendrites, mean, scale);
        int bins = train.Steps / BinSteps, warm = (int)Math.Min(model.ReceptiveBins, windowBins / 2);
        // Each trace's events as (data step, synapse), binned into a window only when it is drawn: dense counts of every
        // trace ([S, bins] floats) took 3.9 GB for 1211 traces × 2 s and ran a 24 GB machine out of memory.
        var inputs = Enumerable.Range(0, train.TraceCount).Select(t => EventSteps.Of(train.Events![t], train.TimeStepMs, train.SynapseCount)).ToArray();
        var targets = Enumerable.Range(0, train.TraceCount).Select(t => Targets(train, t, bins)).ToArray();
        var draws = new TraceRandom(seed, -3, -3);
        var clock = Stopwatch.StartNew();
        var history = new List<(int, double, double)>();
        Tensor[]? best = null;
        double bestAuc = double.NegativeInfinity;
        using var optimizer = new AdamOptimizer(model.parameters(), 2e-3);
        int rows = model.InputRows;
        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            optimizer.LearningRate = 2e-3 * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * (iteration - 1) / iterations)));
            using (var scope = NewDisposeScope())
            {
                var x = new float[batch * rows * windowBins];
                var v = new float[batch * windowBins];
                var p = new float[batch * windowBins];
                for (int b = 0; b < batch; b++)
                {
                    int trace = draws.NextInt(train.TraceCount), start = draws.NextInt(bins - windowBins + 1);
                    var (steps, ids) = inputs[trace];
                    model.Inputs(steps, ids, start, windowBins).CopyTo(x, b * rows * windowBins);
                    for (int t = 0; t < windowBins; t++)
                    {
                        v[b * windowBins + t] = (float)((targets[trace].Voltage[start + t] - mean) / scale);
                        p[b * windowBins + t] = targets[trace].Spike[start + t];
                    }
                }
                var output = model.Forward(tensor(x, [batch, rows, windowBins]))[.., .., warm..];
                var voltageLoss = nn.functional.mse_loss(output[.., 0, ..], tensor(v, [batch, windowBins])[.., warm..]);
                var spikeLoss = nn.functional.binary_cross_entropy_with_logits(output[.., 1, ..], tensor(p, [batch, windowBins])[.., warm..]);
                var loss = voltageLoss.add(spikeLoss, TorchScalars.One);
                optimizer.ZeroGrad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.Step();
            }
            if (iteration % Math.Max(1, iterations / 10) == 0 || iteration == iterations)
            {
                var (summary, _, _) = model.Score(validation);
                double auc = summary.SpikeAuc ?? double.NaN;
                history.Add((iteration, auc, summary.RmseClippedMv ?? double.NaN));
                log?.Invoke(FormattableString.Invariant($"TCN iteration {iteration}: validation spike AUC {auc:F4}, clipped RMSE {summary.RmseClippedMv:F2} mV, {clock.Elapsed.TotalSeconds:F0} s"));
                if (auc > bestAuc)
                {
                    bestAuc = auc;
                    foreach (var t in best ?? [])
                    {
                        t.Dispose();
                    }
                    using (NewDisposeScope())
                    {
                        best = model.parameters().Select(q => q.detach().clone().DetachFromDisposeScope()).ToArray();
                    }
                }
            }
        }
        using (no_grad())
        {
            foreach (var (parameter, saved) in model.parameters().Zip(best!))
            {
                parameter.copy_(saved);
                saved.Dispose();
            }
        }
        return (model, clock.Elapsed.TotalSeconds, history);
    }

    /// <summary>
    /// Every trace of a set: the field's metrics (<see cref="FieldMetrics"/>: each bin's probability on its ten steps, the
    /// voltage held over the bin) and the predictions at the data step.
    /// </summary>
    public (MetricSummary Summary, double[] VoltageMv, double[] Probability) Score(TraceSet traces)
    {
        ArgumentNullException.ThrowIfNull(traces);
        int bins = traces.Steps / BinSteps;
        var voltage = new double[traces.VoltagesMv.Length];
        var probability = new double[voltage.Length];
        var field = new FieldMetrics();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            for (int trace = 0; trace < traces.TraceCount; trace++)
            {
                var (steps, ids) = EventSteps.Of(traces.Events![trace], traces.TimeStepMs, Synapses);
                var x = tensor(Inputs(steps, ids, 0, bins), [1, InputRows, bins]);
                var output = Forward(x);
                var v = output[0, 0, ..].data<float>().ToArray();
                var p = output[0, 1, ..].sigmoid().data<float>().ToArray();
                for (int t = 0; t < traces.Steps; t++)
                {
                    // The bin's probability stands for its own steps.
                    int vb = VoltageBinOf(t, bins), pb = Math.Min(t / BinSteps, bins - 1);
                    voltage[trace * traces.Steps + t] = v[vb] * _voltageScale + _voltageMean;
                    probability[trace * traces.Steps + t] = p[pb];
                }
                field.Add(traces.Trace(traces.VoltagesMv, trace), voltage.AsSpan(trace * traces.Steps, traces.Steps), traces.TimeStepMs,
                    probability.AsSpan(trace * traces.Steps, traces.Steps));
            }
        }
        return (field.AddTo(new MetricSummary { Traces = traces.TraceCount }), voltage, probability);
    }

    /// <summary>Floating-point operations per 1 ms bin per trace (multiply and add one each): the convolutions, dense over all synapses (and the traces' decay).</summary>
    public long FlopPerBin()
    {
        long channels = _projection.weight!.shape[0], inputs = _projection.weight!.shape[1];
        long dendrites = _dendrites is null ? 0 : 2 * InputRows * inputs + 5 * inputs + 2 * InputRows;
        return dendrites + 2 * inputs * channels + _dilations.Length * (2 * 3 * channels * channels + 5 * channels) + 2 * 2 * channels;
    }
}
