using System.Globalization;

namespace NeuronSurrogate.Torch;

/// <summary>
/// The architecture and training schedule of a latent surrogate. Defaults are the measured recipe of
/// results/experiments.md: a leaky-memory bank (8 voltage traces, 8 spike counts, time constants learned from
/// 1–200 ms) into an MLP (64, 64, SiLU), trained by masked multiple shooting.
/// </summary>
/// <remarks>
/// <para>Training runs a fixed number of iterations, so a seed gives the same model on a given machine (one torch thread).
/// Each iteration draws <see cref="BatchSize"/> windows: a training trace and a start time, the state at the start
/// computed teacher-forced from the true voltages before it (with <see cref="TeacherNoiseMv"/> of noise), then
/// the model runs free for a window of <see cref="MinWindowSteps"/>…<see cref="MaxWindowSteps"/> data steps
/// (the longest window grows from the shortest over the first <see cref="WindowRampFraction"/> of training), and the
/// squared error of its own voltages counts up to the point the <see cref="LatentMask"/> allows.</para>
/// <para>Model selection: every <see cref="EvaluateEvery"/> iterations the whole validation runs are rolled out in
/// closed loop and the weights with the best Γ (then subthreshold RMSE) are kept.</para>
/// </remarks>
public sealed record LatentSettings
{
    /// <summary>Hidden layer widths of the MLP. Defaults to 64, 64.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Leaky traces of the voltage. Defaults to 8.</summary>
    public int VoltageMemory { get; init; } = 8;

    /// <summary>Leaky counts of the spike flags. Defaults to 8.</summary>
    public int SpikeMemory { get; init; } = 8;

    /// <summary>The memory's time constants start log-spaced from this (ms). Defaults to 1.</summary>
    public double MinTimeConstantMs { get; init; } = 1;

    /// <summary>…to this (ms); they are learned from there. Defaults to 200.</summary>
    public double MaxTimeConstantMs { get; init; } = 200;

    /// <summary>Data steps per surrogate step, k. Defaults to 1.</summary>
    public int StepFactor { get; init; } = 1;

    /// <summary>Training iterations (windows of one batch each). Defaults to 3000.</summary>
    public int Iterations { get; init; } = 3000;

    /// <summary>Windows per iteration. Defaults to 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Shortest free-running window, in data steps. Defaults to 20 (2 ms at 0.1 ms).</summary>
    public int MinWindowSteps { get; init; } = 20;

    /// <summary>Longest free-running window, in data steps. Defaults to 400 (40 ms at 0.1 ms).</summary>
    public int MaxWindowSteps { get; init; } = 400;

    /// <summary>Fraction of training over which the longest window grows to <see cref="MaxWindowSteps"/>. Defaults to 0.3.</summary>
    public double WindowRampFraction { get; init; } = 0.3;

    /// <summary>Gaussian noise (mV) on the true voltages the start state is computed from. Defaults to 0.3.</summary>
    public double TeacherNoiseMv { get; init; } = 0.3;

    /// <summary>Which errors of a window count. Defaults to <see cref="LatentMask.Auto"/>.</summary>
    public LatentMask Mask { get; init; } = LatentMask.Auto;

    /// <summary>For <see cref="LatentMask.MatchedSpikes"/>: spikes of the two traces this close (ms) are matched and the error counts through them. Defaults to 0.5.</summary>
    public double SpikeMatchMs { get; init; } = 0.5;

    /// <summary>
    /// Data steps past the point where the traces part ways that still count (a missed or an extra spike's upstroke), for
    /// <see cref="LatentMask.MatchedSpikes"/>. Defaults to 5 (0.5 ms at 0.1 ms).
    /// </summary>
    public int MaskOverrunSteps { get; init; } = 5;

    /// <summary>Weight of the spike head's cross-entropy beside the voltage error. Defaults to 0.1.</summary>
    public double SpikeLossWeight { get; init; } = 0.1;

    /// <summary>Adam's initial learning rate, annealed to 5 % of it on a cosine. Defaults to 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Gradients are clipped to this norm. Defaults to 1.</summary>
    public double GradientClip { get; init; } = 1;

    /// <summary>Iterations between closed-loop validations. Defaults to 100.</summary>
    public int EvaluateEvery { get; init; } = 100;

    /// <summary>Seed of the initialization, the windows and the noise. Defaults to 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>A synaptic model's projection starts as Gaussian weights of this spread. Defaults to 0.4 (about 1/√6: six input events per step give drives of order one).</summary>
    public double ProjectionInitScale { get; init; } = 0.4;

    /// <summary>Torch threads. Defaults to 1: the loop is bound by per-operation overhead, and one thread is deterministic.</summary>
    public int Threads { get; init; } = 1;

    public LatentSettings Validate()
    {
        if (Hidden.Count == 0 || Hidden.Any(h => h <= 0))
        {
            throw new ArgumentException($"hidden sizes [{string.Join(", ", Hidden)}]: expected at least one positive width");
        }
        if (VoltageMemory < 0 || SpikeMemory < 0 || VoltageMemory + SpikeMemory == 0)
        {
            throw new ArgumentException(Invariant($"memory sizes {VoltageMemory} and {SpikeMemory}: expected non-negative sizes, not both 0"));
        }
        if (!(MinTimeConstantMs > 0) || !(MaxTimeConstantMs >= MinTimeConstantMs))
        {
            throw new ArgumentException(Invariant($"time constants {MinTimeConstantMs}–{MaxTimeConstantMs} ms: expected 0 < min ≤ max"));
        }
        if (StepFactor is < 1 or > 100)
        {
            throw new ArgumentException(Invariant($"step factor {StepFactor}: expected 1 to 100"));
        }
        if (Iterations <= 0 || BatchSize <= 0 || EvaluateEvery <= 0 || Threads <= 0)
        {
            throw new ArgumentException(Invariant($"iterations {Iterations}, batch {BatchSize}, evaluation interval {EvaluateEvery}, threads {Threads}: expected positive values"));
        }
        if (MinWindowSteps < StepFactor || MaxWindowSteps < MinWindowSteps)
        {
            throw new ArgumentException(Invariant($"windows of {MinWindowSteps}–{MaxWindowSteps} data steps: expected step factor ({StepFactor}) ≤ min ≤ max"));
        }
        if (!(LearningRate > 0) || !(GradientClip > 0) || !(TeacherNoiseMv >= 0) || !(SpikeLossWeight >= 0) || !(SpikeMatchMs >= 0) || MaskOverrunSteps < 0
            || !(WindowRampFraction >= 0 && WindowRampFraction <= 1))
        {
            throw new ArgumentException(Invariant($"learning rate {LearningRate}, clip {GradientClip}, noise {TeacherNoiseMv}, spike weight {SpikeLossWeight}, match {SpikeMatchMs}, ramp {WindowRampFraction}: out of range"));
        }
        return this;
    }

    public override string ToString() => Invariant(
        $"MLP {string.Join("×", Hidden)} SiLU, memory {VoltageMemory}+{SpikeMemory} ({MinTimeConstantMs}–{MaxTimeConstantMs} ms), k {StepFactor}, {Iterations} iterations × {BatchSize} windows of {MinWindowSteps}–{MaxWindowSteps} steps, noise {TeacherNoiseMv} mV, mask {Mask}, lr {LearningRate}, seed {Seed}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
