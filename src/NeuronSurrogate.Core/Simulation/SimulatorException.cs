namespace NeuronSurrogate.Simulation;

/// <summary>
/// An external simulator could not run: NEURON missing, a cell file that does not load or lacks its sites, a
/// process that died or hung. The message is one line naming the file or shard and what was expected.
/// </summary>
public sealed class SimulatorException : Exception
{
    public SimulatorException()
    {
    }

    public SimulatorException(string message) : base(message)
    {
    }

    public SimulatorException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
