namespace NeuronSurrogate.Train;

/// <summary>The training sets of the two shipped models.</summary>
public enum TrainRegime
{
    /// <summary>The prototype's dataset (i.i.d. Gaussian current, mean 10, s.d. 5): models/surrogate.*.</summary>
    Default,

    /// <summary>Mixed stimuli (OU, steps, ramps, Gaussian, pulses over currents 0–25): the general model, models/surrogate_mixed.*.</summary>
    Mixed,
}
