using Microsoft.ML.OnnxRuntime;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.Inference;

/// <summary>
/// A latent surrogate's one-step ONNX graph (<c>currents</c> and <c>state</c> → <c>voltages</c>, <c>spike_probability</c>,
/// <c>next_state</c>) served by ONNX Runtime, over buffers allocated once per batch size.
/// </summary>
/// <remarks>Ownership: owns its session and buffers; dispose it. Not thread-safe.</remarks>
public sealed class OnnxLatentStepper : ILatentStepper, IDisposable
{
    public const string CurrentsInput = "currents", EventCountsInput = "event_counts", StateInput = "state", VoltagesOutput = "voltages",
        SpikeProbabilityOutput = "spike_probability", NextStateOutput = "next_state";

    /// <summary>The graph's first input: <c>currents</c>, or a synaptic model's <c>event_counts</c> [N, S].</summary>
    private readonly string _input;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private Buffers? _buffers;

    /// <exception cref="InputException">The graph cannot be loaded, or its tensors do not match the spec (state size, currents per step, k).</exception>
    public OnnxLatentStepper(string modelPath, LatentSpec spec, OnnxProvider provider = OnnxProvider.Cpu, Action<string>? warn = null)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        _input = spec.IsSynaptic ? EventCountsInput : CurrentsInput;
        _session = OnnxModelLoader.Open(modelPath, provider, warn);
        try
        {
            Expect(_session.InputMetadata, _input, spec.CurrentsPerStep, spec.IsSynaptic ? "synapse count" : "currents per step (k × input columns)");
            Expect(_session.InputMetadata, StateInput, spec.StateSize, "state size");
            Expect(_session.OutputMetadata, VoltagesOutput, spec.StepFactor, "voltages per step (k)");
            Expect(_session.OutputMetadata, SpikeProbabilityOutput, 1, "spike probability");
            Expect(_session.OutputMetadata, NextStateOutput, spec.StateSize, "state size");
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        void Expect(IReadOnlyDictionary<string, NodeMetadata> tensors, string name, int width, string what)
        {
            if (!tensors.TryGetValue(name, out var meta) || meta.Dimensions.Length != 2)
            {
                throw InputException.BadValue(modelPath, name, $"a latent one-step graph with a 2-D tensor '{name}' (the graph has {string.Join(", ", tensors.Keys)})");
            }
            if (meta.Dimensions[1] != width)
            {
                throw InputException.BadValue(modelPath, name,
                    $"a graph that matches its card: the card's {what} is {width}, the graph's '{name}' is [N, {meta.Dimensions[1]}]");
            }
        }
    }

    public LatentSpec Spec { get; }

    public void Advance(ReadOnlySpan<float> currents, Span<float> state, Span<float> voltagesMv, Span<float> spikeProbability, int rows)
    {
        var b = BuffersFor(rows);
        currents[..(rows * Spec.CurrentsPerStep)].CopyTo(b.Currents);
        state[..(rows * Spec.StateSize)].CopyTo(b.State);
        _session.Run(_runOptions, [_input, StateInput], b.Inputs, [VoltagesOutput, SpikeProbabilityOutput, NextStateOutput], b.Outputs);
        b.Next.AsSpan().CopyTo(state);
        b.Voltages.AsSpan().CopyTo(voltagesMv);
        b.Probability.AsSpan().CopyTo(spikeProbability);
    }

    private sealed record Buffers(int Rows, float[] Currents, float[] State, float[] Voltages, float[] Probability, float[] Next, OrtValue[] Inputs, OrtValue[] Outputs);

    private Buffers BuffersFor(int rows)
    {
        if (_buffers?.Rows == rows)
        {
            return _buffers;
        }
        DisposeBuffers();
        var currents = new float[rows * Spec.CurrentsPerStep];
        var state = new float[rows * Spec.StateSize];
        var voltages = new float[rows * Spec.StepFactor];
        var probability = new float[rows];
        var next = new float[rows * Spec.StateSize];
        _buffers = new Buffers(rows, currents, state, voltages, probability, next,
            [OrtValue.CreateTensorValueFromMemory(currents, [rows, Spec.CurrentsPerStep]), OrtValue.CreateTensorValueFromMemory(state, [rows, Spec.StateSize])],
            [OrtValue.CreateTensorValueFromMemory(voltages, [rows, Spec.StepFactor]), OrtValue.CreateTensorValueFromMemory(probability, [rows, 1]),
             OrtValue.CreateTensorValueFromMemory(next, [rows, Spec.StateSize])]);
        return _buffers;
    }

    private void DisposeBuffers()
    {
        foreach (var value in _buffers?.Inputs.Concat(_buffers.Outputs) ?? [])
        {
            value.Dispose();
        }
        _buffers = null;
    }

    public void Dispose()
    {
        DisposeBuffers();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
