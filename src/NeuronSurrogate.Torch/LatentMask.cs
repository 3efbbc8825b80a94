namespace NeuronSurrogate.Torch;

/// <summary>Which errors of a free-running training window count (DESIGN section 9: masked multiple shooting).</summary>
public enum LatentMask
{
    /// <summary><see cref="FirstSpike"/> where the training data show a structural peak → reset rule, else <see cref="MatchedSpikes"/>.</summary>
    Auto,

    /// <summary>Up to the first spike of either trace: a misplaced spike, with its fixed apex and reset, would swamp everything after it.</summary>
    FirstSpike,

    /// <summary>Through spikes the two traces place within the match window of each other, up to the first one that is not matched.</summary>
    MatchedSpikes,

    /// <summary>Every step of the window.</summary>
    None,
}
