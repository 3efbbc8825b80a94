namespace NeuronSurrogate.Inference;

/// <summary>How <see cref="SurrogateModel"/> runs a batch of traces.</summary>
public enum PredictionMode
{
    /// <summary>Given only the currents, fed its own predictions (the surrogate as a simulator).</summary>
    ClosedLoop,

    /// <summary>Fed the true past state each step (one step ahead; needs the true voltage, and u for state-space models).</summary>
    TeacherForced,
}
