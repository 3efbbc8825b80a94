using System.Diagnostics;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Simulation;
using static System.FormattableString;

namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// A ball and stick of any size for NEURON, and NEURON's marginal cost on it: soma (L = diam = 20 µm, hh) and one dendrite
/// (1000 µm, diam 2 µm, pas) of nseg segments, dt 0.025 ms, run through the bridge.
/// </summary>
internal static class BallAndStick
{
    /// <summary>The cell file of a ball and stick with <paramref name="nseg"/> dendritic segments (written to the temporary folder).</summary>
    public static string CellFile(int nseg)
    {
        string folder = Path.Combine(Path.GetTempPath(), "neuron-surrogate-bench");
        Directory.CreateDirectory(folder);
        string cell = Path.Combine(folder, Invariant($"ball_stick_{nseg}.py"));
        File.WriteAllText(cell, Invariant($$"""
            def build(h):
                soma = h.Section(name="soma")
                soma.L = soma.diam = 20
                soma.insert("hh")
                dend = h.Section(name="dend")
                dend.L, dend.diam, dend.nseg = 1000, 2, {{nseg}}
                dend.insert("pas")
                dend.connect(soma(1))
                return {"inject": {"current": soma(0.5)}, "record": soma(0.5), "dt": 0.025, "keep": [soma, dend], "mixed_max_current": 0.5}
            """));
        return cell;
    }

    /// <summary>
    /// µs of wall time per simulated ms per trace on one core, without process start and cell building:
    /// (wall(40 traces) − wall(4 traces)) / 36, median of 3 rounds, times the processes that shared the traces.
    /// </summary>
    public static double MarginalMicroseconds(NeuronCellModel model, int steps, double timeStepMs, int cores)
    {
        ArgumentNullException.ThrowIfNull(model);
        var small = new TraceBatch(0, 4, 1, steps, timeStepMs, false, null, model.Spikes);
        var large = new TraceBatch(0, 40, 1, steps, timeStepMs, false, null, model.Spikes);
        var marginal = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            model.Simulate(small);
            double a = clock.Elapsed.TotalSeconds;
            clock.Restart();
            model.Simulate(large);
            marginal.Add((clock.Elapsed.TotalSeconds - a) / 36);
        }
        return Measurement.Median([.. marginal]) / (steps * timeStepMs) * 1e6 * cores;
    }
}
