using NeuronSurrogate.Data;
using NeuronSurrogate.Rollout;
using Onnx;
using static NeuronSurrogate.Torch.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Writes a trained <see cref="StateSpaceMlp"/> as ONNX from its weights (opset 17, dynamic batch, raw units in and out,
/// the standardization inside the graph, folded into the first and last layer):
/// <list type="bullet">
/// <item>the one-step graph: <c>state</c> <c>[N, InputWidth]</c> → <c>increment</c> <c>[N, OutputWidth]</c>, laid out as
/// <see cref="StateSpaceSpec"/> says;</item>
/// <item>the rollout graph: <c>currents</c> <c>[N, T]</c> → <c>voltages</c> <c>[N, T]</c>, the whole closed loop as one
/// <c>Scan</c> from the spec's initial state with its peak → reset rule inside: a drop-in simulator in one file.</item>
/// </list>
/// </summary>
public static class StateSpaceOnnxExporter
{
    /// <summary>The opset both graphs use.</summary>
    public const int Opset = 17;

    public const string StateInput = "state", IncrementOutput = "increment", CurrentsInput = "currents", VoltagesOutput = "voltages";

    /// <summary>The one-step graph's bytes.</summary>
    public static byte[] OneStep(StateSpaceMlp model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var g = new OnnxGraphBuilder("state_space_one_step");
        g.Input(StateInput, DataType.Float, "N", StateSpaceSpec.InputWidth);
        // The features: the input row, then v² (StateSpaceSpec.WriteFeatures).
        string v = g.Node("Slice", [StateInput, g.Int64Constant("zero", [StateSpaceSpec.Voltage], 1), g.Int64Constant("one", [StateSpaceSpec.Voltage + 1], 1), g.Int64Constant("axis1", [1], 1)]);
        string features = g.Node("Concat", [StateInput, g.Node("Mul", [v, v])], null, Int("axis", 1));
        g.Node("Identity", [Mlp(g, model, features)], IncrementOutput);
        g.Output(IncrementOutput, DataType.Float, "N", StateSpaceSpec.OutputWidth);
        return SerializeFolded(Model(g.Graph, Opset, "NeuronSurrogate state-space surrogate, one step: state [N,3] = (v mV, u, I) -> increment [N,2] = (dv mV, du). See the model card."));
    }

    /// <summary>The rollout graph's bytes.</summary>
    public static byte[] Rollout(StateSpaceMlp model, StateSpaceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var rule = spec.Rule;
        var body = new OnnxGraphBuilder("closed_loop_step");
        body.Input("v", DataType.Float, "N");
        body.Input("u", DataType.Float, "N");
        body.Input("i", DataType.Float, "N");
        string peak = body.Constant("peak_mv", [(float)rule.PeakMv]);
        string spike = body.Node("GreaterOrEqual", ["v", peak]);
        body.Node("Where", [spike, peak, "v"], "recorded");
        // The features in the spec's order: v, u, I, then v².
        string axis = body.Int64Constant("axes", [1], 1);
        string vc = body.Node("Unsqueeze", ["v", axis]);
        string features = body.Node("Concat", [vc, body.Node("Unsqueeze", ["u", axis]), body.Node("Unsqueeze", ["i", axis]), body.Node("Mul", [vc, vc])], null, Int("axis", 1));
        string increment = Mlp(body, model, features);
        string dv = body.Node("Gather", [increment, body.Int64Constant("index0", [StateSpaceSpec.Voltage])], null, Int("axis", 1));
        string du = body.Node("Gather", [increment, body.Int64Constant("index1", [StateSpaceSpec.Recovery])], null, Int("axis", 1));
        body.Node("Where", [spike, body.Constant("reset_mv", [(float)rule.ResetMv]), body.Node("Add", ["v", dv])], "v_next");
        body.Node("Where", [spike, body.Node("Add", ["u", body.Constant("recovery_jump", [(float)rule.RecoveryIncrement])]), body.Node("Add", ["u", du])], "u_next");
        body.Output("v_next", DataType.Float, "N");
        body.Output("u_next", DataType.Float, "N");
        body.Output("recorded", DataType.Float, "N");

        var g = new OnnxGraphBuilder("state_space_rollout");
        g.Input(CurrentsInput, DataType.Float, "N", "T");
        string count = g.Node("Slice", [g.Node("Shape", [CurrentsInput]), g.Int64Constant("zero", [0], 1), g.Int64Constant("one", [1], 1)]);
        string v0 = g.Node("ConstantOfShape", [count], null, TensorAttribute("value", (float)spec.InitialVoltageMv));
        string u0 = g.Node("ConstantOfShape", [count], null, TensorAttribute("value", (float)spec.InitialRecovery));
        g.NodeWithOutputs("Scan", [v0, u0, CurrentsInput], ["v_final", "u_final", VoltagesOutput],
            GraphAttribute("body", body.Graph), Int("num_scan_inputs", 1), Ints("scan_input_axes", 1), Ints("scan_output_axes", 1));
        g.Output(VoltagesOutput, DataType.Float, "N", "T");
        return SerializeFolded(Model(g.Graph, Opset,
            FormattableString.Invariant($"NeuronSurrogate state-space surrogate, closed-loop rollout: currents [N,T] -> recorded voltages [N,T] (mV), from v0 = {spec.InitialVoltageMv}, u0 = {spec.InitialRecovery}; each step: if v >= {rule.PeakMv} record {rule.PeakMv}, v <- {rule.ResetMv}, u <- u + {rule.RecoveryIncrement}; else record v and add the MLP's increment.")));
    }

    /// <summary>Writes both graphs through temporary files.</summary>
    public static void Write(StateSpaceMlp model, StateSpaceSpec spec, string oneStepPath, string rolloutPath)
    {
        var oneStep = OneStep(model);
        var rollout = Rollout(model, spec);
        AtomicFile.Write(oneStepPath, s => s.Write(oneStep));
        AtomicFile.Write(rolloutPath, s => s.Write(rollout));
    }

    /// <summary>
    /// (Gemm → SiLU)* → Gemm, from raw features to raw increments, written from the
    /// <see cref="StateSpaceMlp.Folded"/> form: the standardization lives in the first and last Gemm, which saves four
    /// element-wise passes over the batch per call.
    /// </summary>
    private static string Mlp(OnnxGraphBuilder g, StateSpaceMlp trained, string features)
    {
        using var model = trained.Folded();
        string x = features;
        var layers = model.Export();
        for (int i = 0; i < layers.Count; i++)
        {
            var (weight, shape, bias) = layers[i];
            x = g.Node("Gemm", [x, g.Constant($"w{i}", weight, shape), g.Constant($"b{i}", bias, bias.Length)], null, Int("transB", 1));
            if (i < layers.Count - 1)
            {
                x = model.Settings.Activation switch
                {
                    MlpActivation.SiLU => g.Node("Mul", [x, g.Node("Sigmoid", [x])]),
                    MlpActivation.Tanh => g.Node("Tanh", [x]),
                    _ => g.Node("Relu", [x]),
                };
            }
        }
        return x;
    }

    /// <summary>The model's metadata entry that says the standardization is folded into the weights (see <see cref="StateSpaceOnnxImporter"/>).</summary>
    public const string StandardizationKey = "neuron_surrogate.standardization", FoldedStandardization = "folded into the first and last Gemm";

    private static byte[] SerializeFolded(ModelProto model)
    {
        model.MetadataProps.Add(new StringStringEntryProto { Key = StandardizationKey, Value = FoldedStandardization });
        return Serialize(model);
    }
}
