using System.Globalization;
using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;
using Onnx;
using static NeuronSurrogate.Torch.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Writes a trained <see cref="LatentNetwork"/> as ONNX from its weights (opset 17, dynamic batch, raw units in and
/// out, the standardization folded into the first and last dense layer, the structural rule inside):
/// <list type="bullet">
/// <item>the one-step graph: <c>currents</c> <c>[N, k × inputs]</c> and <c>state</c> <c>[N, S]</c> → <c>voltages</c>
/// <c>[N, k]</c> (mV), <c>spike_probability</c> <c>[N, 1]</c> and <c>next_state</c> <c>[N, S]</c>;</item>
/// <item>the rollout graph: <c>currents</c> <c>[N, T]</c> (and one <c>[N, T]</c> input per further current column, named
/// after it) → <c>voltages</c> <c>[N, T]</c>, the whole closed loop as one <c>Scan</c> from the initial state.</item>
/// </list>
/// Both compute the network's step operation for operation (<see cref="LatentNetwork.Step"/>).
/// </summary>
public static class LatentOnnxExporter
{
    /// <summary>The opset both graphs use.</summary>
    public const int Opset = 17;

    public const string CurrentsInput = "currents", EventCountsInput = "event_counts", StateInput = "state", VoltagesOutput = "voltages",
        SpikeProbabilityOutput = "spike_probability", NextStateOutput = "next_state";

    /// <summary>The rollout graph's input for each current column, in the spec's order: <c>currents</c>, then the further columns by name.</summary>
    public static IReadOnlyList<string> RolloutInputs(LatentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.IsSynaptic ? [EventCountsInput] : [CurrentsInput, .. spec.Inputs.Skip(1).Select(i => i.Column)];
    }

    /// <summary>The one-step graph's first input: <c>currents</c> [N, k × inputs], or a synaptic model's <c>event_counts</c> [N, S].</summary>
    public static string StepInput(LatentSpec spec) => spec.IsSynaptic ? EventCountsInput : CurrentsInput;

    /// <summary>The one-step graph's bytes.</summary>
    public static byte[] OneStep(LatentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = network.Spec;
        var g = new OnnxGraphBuilder("latent_one_step");
        string input = StepInput(spec);
        g.Input(input, DataType.Float, "N", spec.CurrentsPerStep);
        g.Input(StateInput, DataType.Float, "N", spec.StateSize);
        var (next, voltages, probability) = Step(g, network, Folded(network), StateInput, input);
        g.Node("Identity", [voltages], VoltagesOutput);
        g.Node("Identity", [probability], SpikeProbabilityOutput);
        g.Node("Identity", [next], NextStateOutput);
        g.Output(VoltagesOutput, DataType.Float, "N", spec.StepFactor);
        g.Output(SpikeProbabilityOutput, DataType.Float, "N", 1);
        g.Output(NextStateOutput, DataType.Float, "N", spec.StateSize);
        return Serialize(Model(g.Graph, Opset, spec.IsSynaptic
            ? Invariant($"NeuronSurrogate synaptic latent surrogate, one step of {spec.StepFactor} data step(s) of {spec.TimeStepMs} ms: event_counts [N,{spec.Synapses}] (each synapse's input events in the step) and state [N,{spec.StateSize}] -> voltages [N,{spec.StepFactor}] (mV), spike_probability [N,1], next_state [N,{spec.StateSize}]. See the model card.")
            : Invariant(
            $"NeuronSurrogate latent surrogate, one step of {spec.StepFactor} data step(s) of {spec.TimeStepMs} ms: currents [N,{spec.CurrentsPerStep}] and state [N,{spec.StateSize}] -> voltages [N,{spec.StepFactor}] (mV), spike_probability [N,1], next_state [N,{spec.StateSize}]. See the model card.")));
    }

    /// <summary>The rollout graph's bytes.</summary>
    public static byte[] Rollout(LatentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = network.Spec;
        int k = spec.StepFactor, columns = spec.InputCount;
        var weights = Folded(network);

        var body = new OnnxGraphBuilder("latent_closed_loop_step", "step_");
        body.Input("state_in", DataType.Float, "N", spec.StateSize);
        body.Input("block", DataType.Float, "N", spec.CurrentsPerStep);
        var (next, voltages, _) = Step(body, network, weights, "state_in", "block");
        body.Node("Identity", [next], "state_out");
        body.Node("Identity", [voltages], "block_voltages");
        body.Output("state_out", DataType.Float, "N", spec.StateSize);
        body.Output("block_voltages", DataType.Float, "N", k);

        if (spec.IsSynaptic)
        {
            return SynapticRollout(network, body);
        }
        var g = new OnnxGraphBuilder("latent_rollout");
        var inputs = RolloutInputs(spec);
        foreach (var name in inputs)
        {
            g.Input(name, DataType.Float, "N", "T");
        }
        string first = inputs[0];
        string shape = g.Node("Shape", [first]);
        string count = g.Node("Slice", [shape, g.Int64Constant("zero", [0], 1), g.Int64Constant("one", [1], 1)]);
        string length = g.Node("Slice", [shape, g.Int64Constant("one", [1], 1), g.Int64Constant("two", [2], 1)]);
        // [N, T, inputs]: at each data step every current column, in card order.
        string x = columns == 1
            ? first
            : g.Node("Concat", [.. inputs.Select(name => g.Node("Unsqueeze", [name, g.Int64Constant("axis2", [2], 1)]))], null, Int("axis", 2));
        if (k > 1)
        {
            // Hold the last current until T is a multiple of k; the extra voltages are cut off below.
            string kConstant = g.Int64Constant("k", [k], 1);
            string pad = g.Node("Mod", [g.Node("Sub", [kConstant, g.Node("Mod", [length, kConstant])]), kConstant]);
            // Pads are [begin of each axis, end of each axis]: only the end of the time axis grows.
            string pads = columns == 1
                ? g.Node("Concat", [g.Int64Constant("before", [0, 0, 0], 3), pad], null, Int("axis", 0))
                : g.Node("Concat", [g.Int64Constant("before", [0, 0, 0, 0], 4), pad, g.Int64Constant("after", [0], 1)], null, Int("axis", 0));
            x = g.Node("Pad", [x, pads], null, new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("edge") });
        }
        string blocks = g.Node("Reshape", [x, g.Int64Constant("block_shape", [0, -1, spec.CurrentsPerStep], 3)]);
        string initial = g.Constant("initial_state", spec.InitialState(), 1, spec.StateSize);
        string state0 = g.Node("Expand", [initial, g.Node("Concat", [count, g.Int64Constant("size", [spec.StateSize], 1)], null, Int("axis", 0))]);
        g.NodeWithOutputs("Scan", [state0, blocks], ["state_final", "scanned"],
            GraphAttribute("body", body.Graph), Int("num_scan_inputs", 1), Ints("scan_input_axes", 1), Ints("scan_output_axes", 1));
        string flat = g.Node("Reshape", ["scanned", g.Int64Constant("flat", [0, -1], 2)]);
        string v0 = g.Node("Expand", [g.Constant("v0", [(float)spec.InitialVoltageMv], 1, 1), g.Node("Concat", [count, g.Int64Constant("one_column", [1], 1)], null, Int("axis", 0))]);
        string all = g.Node("Concat", [v0, flat], null, Int("axis", 1));
        g.Node("Slice", [all, g.Int64Constant("start", [0], 1), length, g.Int64Constant("axis1", [1], 1)], VoltagesOutput);
        g.Output(VoltagesOutput, DataType.Float, "N", "T");
        return Serialize(Model(g.Graph, Opset, Invariant(
            $"NeuronSurrogate latent surrogate, closed-loop rollout: {string.Join(", ", inputs)} [N,T] -> voltages [N,T] (mV). Voltage 0 is {spec.InitialVoltageMv} mV; each Scan step reads {k} data step(s) of currents and writes the next {k} voltages. See the model card.")));
    }

    /// <summary>
    /// A synaptic model's rollout graph: <c>event_counts</c> <c>[N, B, S]</c> (each synapse's events in each of B surrogate
    /// steps) → <c>voltages</c> <c>[N, 1 + B·k]</c>, voltage 0 the initial voltage.
    /// </summary>
    private static byte[] SynapticRollout(LatentNetwork network, OnnxGraphBuilder body)
    {
        var spec = network.Spec;
        var g = new OnnxGraphBuilder("latent_rollout");
        g.Input(EventCountsInput, DataType.Float, "N", "B", spec.Synapses);
        string shape = g.Node("Shape", [EventCountsInput]);
        string count = g.Node("Slice", [shape, g.Int64Constant("zero", [0], 1), g.Int64Constant("one", [1], 1)]);
        string initial = g.Constant("initial_state", spec.InitialState(), 1, spec.StateSize);
        string state0 = g.Node("Expand", [initial, g.Node("Concat", [count, g.Int64Constant("size", [spec.StateSize], 1)], null, Int("axis", 0))]);
        g.NodeWithOutputs("Scan", [state0, EventCountsInput], ["state_final", "scanned"],
            GraphAttribute("body", body.Graph), Int("num_scan_inputs", 1), Ints("scan_input_axes", 1), Ints("scan_output_axes", 1));
        string flat = g.Node("Reshape", ["scanned", g.Int64Constant("flat", [0, -1], 2)]);
        string v0 = g.Node("Expand", [g.Constant("v0", [(float)spec.InitialVoltageMv], 1, 1), g.Node("Concat", [count, g.Int64Constant("one_column", [1], 1)], null, Int("axis", 0))]);
        g.Node("Concat", [v0, flat], VoltagesOutput, Int("axis", 1));
        g.Output(VoltagesOutput, DataType.Float, "N", "T");
        return Serialize(Model(g.Graph, Opset, Invariant(
            $"NeuronSurrogate synaptic latent surrogate, closed-loop rollout: event_counts [N,B,{spec.Synapses}] (each synapse's input events in each of B steps of {spec.SurrogateTimeStepMs} ms) -> voltages [N,1+B*{spec.StepFactor}] (mV), voltage 0 = {spec.InitialVoltageMv} mV. See the model card.")));
    }

    /// <summary>Writes both graphs through temporary files.</summary>
    public static void Write(LatentNetwork network, string oneStepPath, string rolloutPath)
    {
        var oneStep = OneStep(network);
        var rollout = Rollout(network);
        AtomicFile.Write(oneStepPath, s => s.Write(oneStep));
        AtomicFile.Write(rolloutPath, s => s.Write(rollout));
    }

    /// <summary>The dense layers with the standardization folded in (see <see cref="Step"/>), in double, rounded once.</summary>
    private static (float[] Weight, long[] Shape, float[] Bias)[] Folded(LatentNetwork network)
    {
        var spec = network.Spec;
        var layers = network.Layers.Select(l => (l.weight!.data<float>().ToArray(), l.weight.shape, l.bias!.data<float>().ToArray())).ToArray();
        // The first layer reads z = (V, currents, memory − V, counts) raw; the network standardized it as z ⊙ scale + shift.
        int inputs = spec.NetworkInputs;
        var scale = new double[inputs];
        var shift = new double[inputs];
        double voltageScale = 1 / spec.VoltageScaleMv;
        scale[0] = voltageScale;
        shift[0] = -spec.VoltageMeanMv * voltageScale;
        for (int j = 0; j < spec.StepFactor; j++)
        {
            for (int c = 0; c < spec.InputCount; c++)
            {
                int f = 1 + j * spec.InputCount + c;
                scale[f] = 1 / spec.Inputs[c].Scale;
                shift[f] = -spec.Inputs[c].Mean / spec.Inputs[c].Scale;
            }
        }
        for (int f = 0; f < (spec.IsSynaptic ? spec.InputFeatures : 0); f++)
        {
            scale[1 + f] = 1; // a synaptic model's drives and input traces are read as they are
        }
        for (int m = 0; m < spec.VoltageMemory; m++)
        {
            scale[1 + spec.InputFeatures + m] = voltageScale;
        }
        for (int m = 0; m < spec.SpikeMemory; m++)
        {
            scale[1 + spec.InputFeatures + spec.VoltageMemory + m] = 1;
        }
        var (w0, shape0, b0) = layers[0];
        for (int h = 0; h < b0.Length; h++)
        {
            double bias = b0[h];
            for (int f = 0; f < inputs; f++)
            {
                bias += (double)w0[h * inputs + f] * shift[f];
                w0[h * inputs + f] = (float)(w0[h * inputs + f] * scale[f]);
            }
            b0[h] = (float)bias;
        }
        // The last layer's first k outputs become increments in mV.
        var (wl, shapel, bl) = layers[^1];
        int width = (int)shapel[1];
        for (int j = 0; j < spec.StepFactor; j++)
        {
            for (int h = 0; h < width; h++)
            {
                wl[j * width + h] = (float)(wl[j * width + h] * spec.IncrementScalesMv[j]);
            }
            bl[j] = (float)(bl[j] * spec.IncrementScalesMv[j]);
        }
        return layers;
    }

    /// <summary>The nodes of one step, from a state and a block of currents to the next state, the voltages and the spike probability.</summary>
    private static (string Next, string Voltages, string Probability) Step(OnnxGraphBuilder g, LatentNetwork network,
        (float[] Weight, long[] Shape, float[] Bias)[] layers, string state, string currents)
    {
        var spec = network.Spec;
        int k = spec.StepFactor, kv = spec.VoltageMemory, ks = spec.SpikeMemory, m0 = LatentSpec.MemoryOffset, s0 = spec.SpikeMemoryOffset;
        string axis1 = g.Int64Constant("axis1", [1], 1);
        string Part(int from, int to) => g.Node("Slice", [state, g.Int64Constant("from", [from], 1), g.Int64Constant("to", [to], 1), axis1]);
        string v = Part(0, 1), flag = Part(1, 2), peak = Part(2, 3), memory = Part(m0, s0), counts = Part(s0, spec.InputMemoryOffset);

        // The network's own float factors: exp(−dt/τ), and 1 − a, as it computes them.
        double[] a, b, gain;
        using (var scope = TorchSharp.torch.NewDisposeScope())
        using (TorchSharp.torch.no_grad())
        {
            var c = network.Coefficients();
            a = c.VoltageDecay.data<float>().ToArray().Select(x => (double)x).ToArray();
            b = c.SpikeDecay.data<float>().ToArray().Select(x => (double)x).ToArray();
            gain = c.VoltageGain.data<float>().ToArray().Select(x => (double)x).ToArray();
        }
        memory = g.Node("Add", [g.Node("Mul", [memory, Floats(g, LatentGraphNames.VoltageDecay, a)]), g.Node("Mul", [v, Floats(g, LatentGraphNames.VoltageGain, gain)])]);
        counts = g.Node("Add", [g.Node("Mul", [counts, Floats(g, LatentGraphNames.SpikeDecay, b)]), flag]);

        string inputs = currents;
        string? inputMemory = null;
        if (spec.IsSynaptic)
        {
            // Event counts [N, S] → drives u = counts · Wᵀ [N, R]; each channel's traces y ← e·y + (1 − e)·u, channel-major.
            int r = spec.InputChannels, mTaus = spec.InputTimeConstantsMs.Count;
            float[] projection;
            using (TorchSharp.torch.no_grad())
            using (var transposed = network.InputProjection!.t().contiguous())
            {
                projection = transposed.data<float>().ToArray();
            }
            string drive = g.Node("MatMul", [currents, g.Constant(LatentGraphNames.InputProjection, projection, spec.Synapses, r)]);
            string repeated = g.Node("Reshape", [g.Node("Expand", [g.Node("Unsqueeze", [drive, g.Int64Constant("axis2", [2], 1)]), g.Int64Constant("taus", [1, 1, mTaus], 3)]),
                g.Int64Constant("traces", [0, spec.InputMemory], 2)]);
            // The network's float factors: e = exp(−k·dt/τ) rounded once, and 1 − e from that float.
            var decays = spec.InputDecays().Select(e => (float)e).ToArray();
            var tiledDecay = Enumerable.Range(0, r).SelectMany(_ => decays).ToArray();
            var tiledGain = Enumerable.Range(0, r).SelectMany(_ => spec.InputDecays().Select(e => (float)(1 - e))).ToArray();
            inputMemory = g.Node("Add", [g.Node("Mul", [Part(spec.InputMemoryOffset, spec.StateSize), g.Constant(LatentGraphNames.InputDecay, tiledDecay, spec.InputMemory)]),
                g.Node("Mul", [repeated, g.Constant(LatentGraphNames.InputGain, tiledGain, spec.InputMemory)])]);
            inputs = g.Node("Concat", [drive, inputMemory], null, Int("axis", 1));
        }
        string x = g.Node("Concat", [v, inputs, g.Node("Sub", [memory, v]), counts], null, Int("axis", 1));
        for (int i = 0; i < layers.Length; i++)
        {
            var (weight, shape, bias) = layers[i];
            x = g.Node("Gemm", [x, g.Constant($"w{i}", weight, shape), g.Constant($"b{i}", bias, bias.Length)], null, Int("transB", 1));
            if (i < layers.Length - 1)
            {
                x = g.Node("Mul", [x, g.Node("Sigmoid", [x])]);
            }
        }
        string raw = g.Node("Add", [g.Node("Slice", [x, g.Int64Constant("zero", [0], 1), g.Int64Constant("k", [k], 1), axis1]), v]);
        string probability = g.Node("Sigmoid", [g.Node("Slice", [x, g.Int64Constant("k", [k], 1), g.Int64Constant("k1", [k + 1], 1), axis1])]);

        string threshold = g.Constant(LatentGraphNames.Threshold, [(float)spec.SpikeThresholdMv]);
        string Crossing(string before, string after) =>
            g.Node("Cast", [g.Node("And", [g.Node("Less", [before, threshold]), g.Node("GreaterOrEqual", [after, threshold])])], null, Int("to", (long)DataType.Float));
        string voltages, flags, peakOut;
        if (spec.Rule is null && k == 1)
        {
            voltages = raw;
            flags = Crossing(v, raw);
            peakOut = peak;
        }
        else
        {
            string previous = v;
            string afterPeak = g.Node("Greater", [peak, g.Constant("half", [0.5f])]);
            string? peakMv = spec.Rule is null ? null : g.Constant(LatentGraphNames.PeakMv, [(float)spec.Rule.PeakMv]);
            string? resetMv = spec.Rule is null ? null : g.Constant(LatentGraphNames.ResetMv, [(float)spec.Rule.ResetMv]);
            var each = new string[k];
            var eachFlag = new string[k];
            for (int j = 0; j < k; j++)
            {
                string vj = k == 1 ? raw : g.Node("Slice", [raw, g.Int64Constant("j", [j], 1), g.Int64Constant("j1", [j + 1], 1), axis1]);
                if (peakMv is not null)
                {
                    string atPeak = g.Node("GreaterOrEqual", [vj, peakMv]);
                    vj = g.Node("Where", [afterPeak, resetMv!, g.Node("Where", [atPeak, peakMv, vj])]);
                    afterPeak = g.Node("And", [atPeak, g.Node("Not", [afterPeak])]);
                }
                each[j] = vj;
                eachFlag[j] = Crossing(previous, vj);
                previous = vj;
            }
            voltages = k == 1 ? each[0] : g.Node("Concat", each, null, Int("axis", 1));
            flags = k == 1 ? eachFlag[0] : g.Node("Concat", eachFlag, null, Int("axis", 1));
            peakOut = g.Node("Cast", [afterPeak], null, Int("to", (long)DataType.Float));
        }
        string lastVoltage = k == 1 ? voltages : g.Node("Slice", [voltages, g.Int64Constant("k_1", [k - 1], 1), g.Int64Constant("k", [k], 1), axis1]);
        string lastFlag = k == 1 ? flags : g.Node("Slice", [flags, g.Int64Constant("k_1", [k - 1], 1), g.Int64Constant("k", [k], 1), axis1]);
        if (k > 1)
        {
            // Fold the step's first k − 1 voltages and flags into the memory, as k − 1 single data steps would.
            var (voltageSpan, voltageFold) = FoldMaps(a, gain, k);
            var (spikeSpan, spikeFold) = FoldMaps(b, b.Select(_ => 1.0).ToArray(), k);
            string head = g.Int64Constant("k_1", [k - 1], 1);
            string zero = g.Int64Constant("zero", [0], 1);
            memory = g.Node("Add", [g.Node("Mul", [memory, Floats(g, LatentGraphNames.VoltageSpan, voltageSpan)]),
                g.Node("MatMul", [g.Node("Slice", [voltages, zero, head, axis1]), g.Constant(LatentGraphNames.VoltageFold, voltageFold, k - 1, kv)])]);
            counts = g.Node("Add", [g.Node("Mul", [counts, Floats(g, LatentGraphNames.SpikeSpan, spikeSpan)]),
                g.Node("MatMul", [g.Node("Slice", [flags, zero, head, axis1]), g.Constant(LatentGraphNames.SpikeFold, spikeFold, k - 1, ks)])]);
        }
        string next = g.Node("Concat", inputMemory is null ? [lastVoltage, lastFlag, peakOut, memory, counts] : [lastVoltage, lastFlag, peakOut, memory, counts, inputMemory],
            null, Int("axis", 1));
        return (next, voltages, probability);
    }

    /// <summary>decay^(k−1) and the [k−1, n] map whose row j is decay^(k−2−j)·gain, as <see cref="LatentNetwork.Coefficients"/> computes them.</summary>
    private static (double[] Span, float[] Fold) FoldMaps(double[] decay, double[] gain, int k)
    {
        int n = decay.Length;
        var span = decay.Select(d => (double)MathF.Pow((float)d, k - 1)).ToArray();
        var fold = new float[(k - 1) * n];
        for (int j = 0; j < k - 1; j++)
        {
            for (int m = 0; m < n; m++)
            {
                fold[j * n + m] = MathF.Pow((float)decay[m], k - 2 - j) * (float)gain[m];
            }
        }
        return (span, fold);
    }

    private static string Floats(OnnxGraphBuilder g, string stem, double[] values) => g.Constant(stem, values.Select(x => (float)x).ToArray(), values.Length);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
