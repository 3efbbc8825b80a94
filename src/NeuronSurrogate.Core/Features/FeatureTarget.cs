namespace NeuronSurrogate.Features;

/// <summary>What a voltage-lag (NARX) model's output means.</summary>
public enum FeatureTarget
{
    /// <summary>The model predicts V(t) in mV.</summary>
    Voltage,

    /// <summary>The model predicts the increment V(t) − V(t−1) in mV; the rollout adds it to V(t−1).</summary>
    Increment,
}
