namespace NeuronSurrogate.Simulation;

/// <summary>How a neuron model's traces mark spikes in the <c>spike</c> column.</summary>
public enum SpikeRecording
{
    /// <summary>Izhikevich: the step where exactly the 30 mV apex was recorded (the reset follows on the next step).</summary>
    PeakAndReset,

    /// <summary>Hodgkin–Huxley and compartmental cells: step k where the voltage crosses 0 mV upward between k − 1 and k; no reset.</summary>
    UpwardZeroCrossing,
}
