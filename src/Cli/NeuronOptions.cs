using System.CommandLine;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.Cli;

/// <summary>The options that choose a neuron model and its integrator, shared by the commands that simulate.</summary>
internal sealed class NeuronOptions
{
    public Option<string> Neuron { get; } = new("--neuron")
    {
        Description = "izhikevich (managed, Izhikevich 2003), hh (managed Hodgkin–Huxley point neuron, NEURON's hh at 6.3 °C, current in nA) or neuron (any NEURON cell file, --cell; needs NEURON).",
        DefaultValueFactory = _ => "izhikevich",
    };
    public Option<string?> Cell { get; } = new("--cell") { Description = "With --neuron neuron: the cell file (Python, builds the cell with NEURON's h; see README), e.g. models/cells/pyramid.py." };
    public Option<string> Preset { get; } = new("--preset")
    {
        Description = $"Izhikevich (2003) preset: {IzhikevichParameters.PresetNames}. --a/--b/--c/--d override single parameters.",
        DefaultValueFactory = _ => "RS",
    };
    public Option<double?> A { get; } = new("--a") { Description = "Recovery time scale a (1/ms); overrides the preset's." };
    public Option<double?> B { get; } = new("--b") { Description = "Recovery sensitivity b; overrides the preset's." };
    public Option<double?> C { get; } = new("--c") { Description = "Reset voltage c (mV); overrides the preset's." };
    public Option<double?> D { get; } = new("--d") { Description = "Reset increment d of u; overrides the preset's." };
    public Option<string?> Integrator { get; } = new("--integrator")
    {
        Description = "izhikevich: euler (default, the reference semantics) or half-step (Izhikevich's two half steps for v); hh: neuron (default, NEURON's fixed-step scheme) or rk4.",
    };
    public Option<double?> SolverStep { get; } = new("--solver-dt") { Description = "hh and neuron: the largest solver step in ms inside each recorded step (default 0.025; a NEURON cell file may name its own)." };
    public Option<double?> CvodeTolerance { get; } = new("--cvode-atol") { Description = "neuron: integrate with CVode, NEURON's variable-step method, at this absolute tolerance (e.g. 0.001) instead of the fixed step." };
    public Option<int?> Processes { get; } = new("--processes") { Description = "neuron: NEURON processes run in parallel, one shard of traces each (default: one per core)." };

    public NeuronOptions()
    {
        Neuron.AcceptOnlyFromAmong("izhikevich", "hh", "neuron");
        Integrator.AcceptOnlyFromAmong("euler", "half-step", "neuron", "rk4");
    }

    public void AddTo(Command command)
    {
        command.Add(Neuron);
        command.Add(Cell);
        command.Add(Preset);
        command.Add(A);
        command.Add(B);
        command.Add(C);
        command.Add(D);
        command.Add(Integrator);
        command.Add(SolverStep);
        command.Add(Processes);
        command.Add(CvodeTolerance);
    }

    /// <summary>Whether the chosen model is the Izhikevich neuron.</summary>
    public bool IsIzhikevich(ParseResult result) => result.GetValue(Neuron) is null or "izhikevich";

    /// <summary>The neuron model these flags describe; <paramref name="timeStepMs"/> is the Izhikevich neuron's dt.</summary>
    /// <exception cref="ArgumentException">A flag does not fit the model (an unknown preset, an integrator of another model, a missing --cell).</exception>
    public INeuronModel Read(ParseResult result, double timeStepMs)
    {
        string neuron = result.GetValue(Neuron) ?? "izhikevich";
        string? integrator = result.GetValue(Integrator);
        if (neuron != "izhikevich")
        {
            foreach (var option in new Option[] { A, B, C, D })
            {
                if (result.GetResult(option) is { Implicit: false })
                {
                    throw new ArgumentException($"{option.Name}: an Izhikevich parameter, not one of the {neuron} model");
                }
            }
            if (result.GetResult(Preset) is { Implicit: false })
            {
                throw new ArgumentException($"--preset: an Izhikevich preset, not one of the {neuron} model");
            }
        }
        if (neuron != "neuron" && result.GetValue(Cell) is not null)
        {
            throw new ArgumentException($"--cell: a NEURON cell file goes with --neuron neuron, not --neuron {neuron}");
        }
        if (neuron != "neuron" && result.GetValue(CvodeTolerance) is not null)
        {
            throw new ArgumentException($"--cvode-atol: CVode goes with --neuron neuron, not --neuron {neuron}");
        }
        if (neuron != "neuron" && result.GetValue(Processes) is not null)
        {
            throw new ArgumentException($"--processes: NEURON processes go with --neuron neuron, not --neuron {neuron}");
        }
        switch (neuron)
        {
            case "hh":
                {
                    if (integrator is "euler" or "half-step")
                    {
                        throw new ArgumentException($"--integrator {integrator}: expected neuron or rk4 for the hh model");
                    }
                    var options = new HodgkinHuxleySimulationOptions
                    {
                        Integrator = integrator == "rk4" ? HodgkinHuxleyIntegrator.RungeKutta4 : HodgkinHuxleyIntegrator.Neuron,
                        SolverStepMs = result.GetValue(SolverStep) ?? 0.025,
                    };
                    return new HodgkinHuxleyNeuron(options.Validate());
                }
            case "neuron":
                {
                    if (integrator is not null)
                    {
                        throw new ArgumentException($"--integrator {integrator}: NEURON cells step with NEURON's own fixed-step method");
                    }
                    string cell = result.GetValue(Cell) ?? throw new ArgumentException("--neuron neuron: expected --cell FILE.py, the NEURON cell file (e.g. models/cells/pyramid.py)");
                    int processes = result.GetValue(Processes) ?? Environment.ProcessorCount;
                    if (processes <= 0)
                    {
                        throw new ArgumentException($"--processes {processes}: expected a positive number of NEURON processes");
                    }
                    return NeuronCellModel.Load(cell, new NeuronCellOptions { Processes = processes, SolverStepMs = result.GetValue(SolverStep), CvodeAbsoluteTolerance = result.GetValue(CvodeTolerance) });
                }
            default:
                {
                    if (integrator is "neuron" or "rk4")
                    {
                        throw new ArgumentException($"--integrator {integrator}: expected euler or half-step for the izhikevich model");
                    }
                    if (result.GetValue(SolverStep) is not null)
                    {
                        throw new ArgumentException("--solver-dt: the izhikevich model steps at the traces' dt (--dt)");
                    }
                    return new IzhikevichNeuron(ReadIzhikevich(result, timeStepMs));
                }
        }
    }

    /// <summary>The Izhikevich options these flags describe, with <paramref name="timeStepMs"/>.</summary>
    public IzhikevichSimulationOptions ReadIzhikevich(ParseResult result, double timeStepMs)
    {
        string name = result.GetValue(Preset) ?? "RS";
        if (!IzhikevichParameters.TryGetPreset(name, out var parameters))
        {
            throw new ArgumentException($"--preset: unknown preset '{name}': expected one of {IzhikevichParameters.PresetNames}");
        }
        parameters = new IzhikevichParameters(
            result.GetValue(A) ?? parameters.A,
            result.GetValue(B) ?? parameters.B,
            result.GetValue(C) ?? parameters.C,
            result.GetValue(D) ?? parameters.D);
        return new IzhikevichSimulationOptions
        {
            Parameters = parameters,
            TimeStepMs = timeStepMs,
            Integrator = result.GetValue(Integrator) == "half-step" ? IzhikevichIntegrator.HalfStep : IzhikevichIntegrator.Euler,
        };
    }
}
