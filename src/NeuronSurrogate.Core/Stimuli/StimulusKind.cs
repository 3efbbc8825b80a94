namespace NeuronSurrogate.Stimuli;

/// <summary>The families of input current a dataset can be driven with.</summary>
public enum StimulusKind
{
    /// <summary>I.i.d. Gaussian per step (the prototype's: mean 10, s.d. 5).</summary>
    Gaussian,

    /// <summary>Ornstein–Uhlenbeck noise: mean, stationary s.d. and time constant; exact discretization.</summary>
    OrnsteinUhlenbeck,

    /// <summary>A constant step: baseline before the onset and after the offset, the amplitude in between.</summary>
    Step,

    /// <summary>A linear ramp from the baseline at the onset to the amplitude at the offset (or the end).</summary>
    Ramp,

    /// <summary>A pulse train: the amplitude for the pulse width once every period, from the onset on.</summary>
    Pulses,

    /// <summary>Each trace draws one of the other families with random parameters (the general-model training set).</summary>
    Mixed,

    /// <summary>
    /// The training stimulus library (<see cref="LibraryStimulus"/>): each trace draws a <see cref="LibraryFamily"/>,
    /// amplitudes from the neuron's <see cref="NeuronLandmarks"/>, hyperpolarizing to depolarizing.
    /// </summary>
    Library,
}
