namespace NeuronSurrogate.Simulation;

/// <summary>The <c>spike</c> column of a recorded trace, by the model's <see cref="SpikeRecording"/> (DESIGN sections 3 and 8).</summary>
public static class SpikeFlags
{
    /// <summary>The voltage an upward crossing of which is a spike (<see cref="SpikeRecording.UpwardZeroCrossing"/>), 0 mV.</summary>
    public const double ThresholdMv = 0;

    /// <summary>The spike flag of step <paramref name="step"/> of <paramref name="voltagesMv"/>.</summary>
    public static byte At(SpikeRecording recording, ReadOnlySpan<double> voltagesMv, int step) => recording switch
    {
        SpikeRecording.PeakAndReset => IzhikevichReferenceSimulator.SpikeFlag(voltagesMv[step]),
        _ => step > 0 && voltagesMv[step - 1] < ThresholdMv && voltagesMv[step] >= ThresholdMv ? (byte)1 : (byte)0,
    };

    /// <summary>The spikes of a whole trace.</summary>
    public static int Count(SpikeRecording recording, ReadOnlySpan<double> voltagesMv)
    {
        int spikes = 0;
        for (int t = 0; t < voltagesMv.Length; t++)
        {
            spikes += At(recording, voltagesMv, t);
        }
        return spikes;
    }
}
