using System.Globalization;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// The four parameters of the Izhikevich (2003) neuron: dv/dt = 0.04v² + 5v + 140 − u + I,
/// du/dt = a(bv − u); when v ≥ 30 mV: v ← c, u ← u + d.
/// </summary>
/// <param name="A">Time scale of the recovery variable u (1/ms).</param>
/// <param name="B">Sensitivity of u to subthreshold fluctuations of v.</param>
/// <param name="C">After-spike reset value of v (mV).</param>
/// <param name="D">After-spike increment of u.</param>
/// <remarks>
/// E. M. Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural Networks 14(6):1569–1572, 2003.
/// The presets are the parameter sets of that paper's Fig. 2.
/// </remarks>
public readonly record struct IzhikevichParameters(double A, double B, double C, double D)
{
    /// <summary>Regular spiking (RS) excitatory cortical neuron: tonic spiking with adaptation.</summary>
    public static IzhikevichParameters RegularSpiking => new(0.02, 0.2, -65, 8);

    /// <summary>Intrinsically bursting (IB): an initial burst, then tonic spikes.</summary>
    public static IzhikevichParameters IntrinsicallyBursting => new(0.02, 0.2, -55, 4);

    /// <summary>Chattering (CH): repetitive bursts of closely spaced spikes.</summary>
    public static IzhikevichParameters Chattering => new(0.02, 0.2, -50, 2);

    /// <summary>Fast spiking (FS) inhibitory interneuron: high-frequency tonic firing without adaptation.</summary>
    public static IzhikevichParameters FastSpiking => new(0.1, 0.2, -65, 2);

    /// <summary>Low-threshold spiking (LTS) inhibitory interneuron: high rate with adaptation, rebound.</summary>
    public static IzhikevichParameters LowThresholdSpiking => new(0.02, 0.25, -65, 2);

    /// <summary>Thalamo-cortical (TC) neuron (parameters of its tonic mode in the paper).</summary>
    public static IzhikevichParameters ThalamoCortical => new(0.02, 0.25, -65, 0.05);

    /// <summary>Resonator (RZ): damped subthreshold oscillations.</summary>
    public static IzhikevichParameters Resonator => new(0.1, 0.26, -65, 2);

    /// <summary>The presets by their short names (RS, IB, CH, FS, LTS, TC, RZ), in the paper's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, IzhikevichParameters>> Presets { get; } =
    [
        new("RS", RegularSpiking),
        new("IB", IntrinsicallyBursting),
        new("CH", Chattering),
        new("FS", FastSpiking),
        new("LTS", LowThresholdSpiking),
        new("TC", ThalamoCortical),
        new("RZ", Resonator),
    ];

    /// <summary>The preset names, joined for messages and help text.</summary>
    public static string PresetNames => string.Join(", ", Presets.Select(p => p.Key));

    /// <summary>Looks a preset up by its short name, ignoring case.</summary>
    public static bool TryGetPreset(string name, out IzhikevichParameters parameters)
    {
        foreach (var (key, value) in Presets)
        {
            if (string.Equals(key, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                parameters = value;
                return true;
            }
        }
        parameters = default;
        return false;
    }

    /// <summary>The short name of these parameters when they equal a preset, else "custom".</summary>
    public string Name
    {
        get
        {
            foreach (var (key, value) in Presets)
            {
                if (value == this)
                {
                    return key;
                }
            }
            return "custom";
        }
    }

    /// <summary>Throws when a parameter is not a finite number.</summary>
    public void Validate()
    {
        Check(A, nameof(A));
        Check(B, nameof(B));
        Check(C, nameof(C));
        Check(D, nameof(D));
        if (C >= IzhikevichModel.PeakMv)
        {
            throw new ArgumentOutOfRangeException(nameof(C), C,
                string.Create(CultureInfo.InvariantCulture, $"reset c = {C} mV must be below the spike peak {IzhikevichModel.PeakMv} mV"));
        }

        static void Check(double value, string name)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(name, value, $"Izhikevich parameter {name.ToLowerInvariant()} must be a finite number");
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} (a={A}, b={B}, c={C}, d={D})");
}
