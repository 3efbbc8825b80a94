namespace NeuronSurrogate.Benchmarks;

/// <summary>
/// One engine of the cost benchmark: something that turns a batch of held-out currents into voltages (a simulator at
/// some step, NEURON, a surrogate through ONNX Runtime), with what one simulated ms of one trace costs it in FLOP.
/// </summary>
/// <param name="Name">As the tables print it.</param>
/// <param name="Kind">simulator, NEURON or surrogate.</param>
/// <param name="FlopPerMs">Floating-point operations per simulated ms per trace (an estimate for the simulators: see the report).</param>
/// <param name="Run">Simulates traces: currents per input column (trace-major) → voltages (trace-major).</param>
/// <param name="Linear">Its cost is linear in the trace count and too high to run 10 000 traces: measured on fewer and scaled.</param>
/// <param name="Shapes">For a surrogate, the dense layers (in, out) its GFLOP/s is compared against; empty otherwise.</param>
/// <param name="LoadMs">For a surrogate, the ms its graph and card took to load, once, before any timed run (NEURON's start is inside every run).</param>
internal sealed record CostEngine(string Name, string Kind, double FlopPerMs, Func<IReadOnlyList<double[]>, int, double[]> Run, bool Linear,
    IReadOnlyList<(int In, int Out)> Shapes, double LoadMs = 0);
