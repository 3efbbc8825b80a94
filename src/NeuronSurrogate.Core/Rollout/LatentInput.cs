namespace NeuronSurrogate.Rollout;

/// <summary>
/// One injected current a latent surrogate reads: its column in the traces CSV, its unit, and the standardization
/// fitted on the training runs (the graph computes (I − <see cref="Mean"/>) / <see cref="Scale"/> inside).
/// </summary>
/// <param name="Column">The CSV column, e.g. <c>current</c> or <c>current_dend</c>.</param>
/// <param name="Unit">Its unit as the training data gave it (nA for HH and NEURON cells, model units for Izhikevich).</param>
/// <param name="Mean">The training runs' mean.</param>
/// <param name="Scale">The training runs' standard deviation (1 where the column is constant).</param>
public sealed record LatentInput(string Column, string Unit, double Mean, double Scale);
