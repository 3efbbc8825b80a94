using System.Globalization;

namespace NeuronSurrogate.Simulation;

/// <summary>
/// The Hodgkin–Huxley point neuron of DESIGN section 8: NEURON's <c>hh</c> mechanism (Hodgkin and Huxley 1952,
/// J. Physiol. 117:500, as written in NEURON's <c>hh.mod</c>) in one section of L = diam = 20 µm at 6.3 °C.
/// </summary>
/// <param name="SodiumConductance">gnabar, S/cm².</param>
/// <param name="PotassiumConductance">gkbar, S/cm².</param>
/// <param name="LeakConductance">gl, S/cm².</param>
/// <param name="SodiumReversalMv">ena, mV.</param>
/// <param name="PotassiumReversalMv">ek, mV.</param>
/// <param name="LeakReversalMv">el, mV.</param>
/// <param name="CapacitanceUfPerCm2">cm, µF/cm².</param>
/// <param name="AreaUm2">The membrane area the injected current spreads over, µm² (π · 20 µm · 20 µm).</param>
/// <param name="TemperatureCelsius">celsius; the rates scale by q10 = 3^((celsius − 6.3)/10).</param>
public sealed record HodgkinHuxleyParameters(
    double SodiumConductance, double PotassiumConductance, double LeakConductance,
    double SodiumReversalMv, double PotassiumReversalMv, double LeakReversalMv,
    double CapacitanceUfPerCm2, double AreaUm2, double TemperatureCelsius)
{
    /// <summary>NEURON's <c>hh</c> defaults in a 20 µm × 20 µm section at 6.3 °C.</summary>
    public static HodgkinHuxleyParameters Neuron { get; } = new(0.12, 0.036, 0.0003, 50, -77, -54.3, 1, Math.PI * 20 * 20, 6.3);

    /// <summary>Converts an injected current in nA to a current density in mA/cm² (NEURON: i · 100 / area).</summary>
    public double DensityPerNanoampere => 100 / AreaUm2;

    /// <summary>The rates' temperature factor.</summary>
    public double Q10Factor => Math.Pow(3, (TemperatureCelsius - 6.3) / 10);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public HodgkinHuxleyParameters Validate()
    {
        foreach (var (name, value) in new[]
        {
            ("gnabar", SodiumConductance), ("gkbar", PotassiumConductance), ("gl", LeakConductance),
            ("cm", CapacitanceUfPerCm2), ("area", AreaUm2),
        })
        {
            if (!(value >= 0 && double.IsFinite(value)) || (name is "cm" or "area" && value == 0))
            {
                throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} = {value}: expected a finite, non-negative value (positive for cm and area)"));
            }
        }
        foreach (var (name, value) in new[] { ("ena", SodiumReversalMv), ("ek", PotassiumReversalMv), ("el", LeakReversalMv), ("celsius", TemperatureCelsius) })
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a finite value");
            }
        }
        return this;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"HH point neuron (gnabar={SodiumConductance}, gkbar={PotassiumConductance}, gl={LeakConductance} S/cm², {TemperatureCelsius} °C)");
}
