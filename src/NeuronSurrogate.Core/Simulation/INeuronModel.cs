using NeuronSurrogate.Dataset;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// A neuron the project can simulate: what it is (state, parameters, integrator, units), how its traces are
/// recorded (spikes, current columns), and one batch call that simulates many traces of equal length. Implemented by
/// <see cref="IzhikevichNeuron"/> (managed), <see cref="HodgkinHuxleyNeuron"/> (managed) and
/// <c>NeuronCellModel</c> (any NEURON cell, run in NEURON's own processes). The traces CSV contract is the same for all.
/// </summary>
/// <remarks>
/// Time convention (DESIGN section 8): current[k] holds over [t_k, t_k + dt) and first shows in voltage[k + 1];
/// voltage[k] is the state at t_k; traces start at rest at t = 0. A model may step finer than the traces' dt inside.
/// </remarks>
public interface INeuronModel
{
    /// <summary>The name the command line and the cards use: <c>izhikevich</c>, <c>hh</c>, <c>neuron</c>.</summary>
    string Name { get; }

    /// <summary>One line for messages: the neuron, its parameters and the integrator.</summary>
    string Description { get; }

    /// <summary>The unit of the injected current ("model units" for Izhikevich, "nA" for HH and NEURON cells).</summary>
    string CurrentUnit { get; }

    /// <summary>The current columns the model is driven by, <c>current</c> first (a NEURON cell may add <c>current_dend</c>).</summary>
    IReadOnlyList<string> CurrentColumns { get; }

    /// <summary>The state variables with their units and initial values (empty where the simulator keeps them, as NEURON does).</summary>
    IReadOnlyList<StateVariable> StateVariables { get; }

    /// <summary>The parameters, by name, in the model's own units.</summary>
    IReadOnlyDictionary<string, double> Parameters { get; }

    /// <summary>The integrator used, as the command line spells it.</summary>
    string Integrator { get; }

    /// <summary>How spikes are marked in the traces.</summary>
    SpikeRecording Spikes { get; }

    /// <summary>The largest current of the <c>mixed</c> stimulus family, in <see cref="CurrentUnit"/>, chosen so its traces span silence to fast firing.</summary>
    double MixedMaxCurrent { get; }

    /// <summary>The stimulus <c>generate</c> uses when none is given.</summary>
    StimulusOptions DefaultStimulus { get; }

    /// <summary>The model's synapse table (DESIGN section 12): the inputs that take events; empty for a model driven by currents alone.</summary>
    IReadOnlyList<SynapseInfo> Synapses => [];

    /// <summary>Whether the model can record Izhikevich's recovery variable as a <c>recovery</c> column.</summary>
    bool RecordsRecovery { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when traces recorded every <paramref name="timeStepMs"/> cannot be simulated.</summary>
    void CheckRecordingStep(double timeStepMs);

    /// <summary>
    /// Simulates every trace of <paramref name="batch"/> from its currents (and its input events, for a model with
    /// <see cref="Synapses"/>) into its voltages (and recovery, where recorded). A trace whose state stops being
    /// finite is reported, not thrown.
    /// </summary>
    /// <exception cref="SimulatorException">An external simulator failed (not found, bad cell file, crashed, timed out).</exception>
    IReadOnlyList<TraceDivergence> Simulate(TraceBatch batch, int maxDegreeOfParallelism = 0);
}
