namespace NeuronSurrogate.Train;

/// <summary>A surrogate scored on the test runs.</summary>
/// <param name="Result">Closed-loop and teacher-forced metrics.</param>
/// <param name="ClosedLoop">The closed-loop voltages, trace-major (for plots and spike checks).</param>
/// <param name="Diverged">Test traces whose closed loop diverged.</param>
internal sealed record TestScore(ModelResult Result, double[] ClosedLoop, int Diverged);
