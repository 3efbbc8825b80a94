namespace NeuronSurrogate.Torch;

/// <summary>The activation between the MLP's hidden layers.</summary>
public enum MlpActivation
{
    /// <summary>x·σ(x): smooth, which keeps the closed-loop dynamics smooth. The default.</summary>
    SiLU,

    /// <summary>tanh.</summary>
    Tanh,

    /// <summary>max(0, x).</summary>
    ReLU,
}
