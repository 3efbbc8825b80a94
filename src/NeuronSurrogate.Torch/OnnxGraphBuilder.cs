using Google.Protobuf;
using Onnx;

namespace NeuronSurrogate.Torch;

/// <summary>
/// A thin helper over OnnxSharp's protobuf types for writing small graphs by hand: typed inputs and outputs,
/// float initializers, nodes with attributes, and fresh names.
/// </summary>
/// <param name="name">The graph's name.</param>
/// <param name="prefix">Put before every fresh name: a subgraph (a Scan body) needs names its outer graph does not use.</param>
public sealed class OnnxGraphBuilder(string name, string prefix = "")
{
    private int _counter;

    public GraphProto Graph { get; } = new() { Name = name };

    /// <summary>A name not used yet in this graph.</summary>
    public string Fresh(string stem) => $"{prefix}{stem}_{_counter++}";

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>A float initializer; <paramref name="dims"/> empty for a scalar.</summary>
    public string Constant(string stem, float[] values, params long[] dims)
    {
        string n = Fresh(stem);
        var tensor = new TensorProto { Name = n, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        Graph.Initializer.Add(tensor);
        return n;
    }

    /// <summary>An int64 initializer.</summary>
    public string Int64Constant(string stem, long[] values, params long[] dims)
    {
        string n = Fresh(stem);
        var tensor = new TensorProto { Name = n, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return n;
    }

    /// <summary>Adds a node and returns its (first) output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes) =>
        NodeWithOutputs(op, inputs, [output ?? Fresh(op.ToLowerInvariant())], attributes)[0];

    public string[] NodeWithOutputs(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An INT attribute; named after ONNX's attribute type, as <see cref="Ints"/> is.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "ONNX's own name for the attribute type")]
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto GraphAttribute(string name, GraphProto graph) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = graph };

    public static AttributeProto TensorAttribute(string name, float value)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(1);
        tensor.FloatData.Add(value);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }

    /// <summary>A model around a graph: IR version 8, the default domain at <paramref name="opset"/>.</summary>
    public static ModelProto Model(GraphProto graph, long opset, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "NeuronSurrogate",
            ProducerVersion = "1",
            Graph = graph,
            DocString = docString,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>The model's bytes (deterministic: protobuf writes fields in a fixed order).</summary>
    public static byte[] Serialize(ModelProto model) => model.ToByteArray();

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
