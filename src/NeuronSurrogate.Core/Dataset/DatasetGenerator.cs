using NeuronSurrogate.Data;
using NeuronSurrogate.Simulation;
using NeuronSurrogate.Stimuli;

namespace NeuronSurrogate.Dataset;

/// <summary>Generates a dataset: seeded stimuli (currents, or synaptic input events) per trace, then the simulator over all traces at once.</summary>
public static class DatasetGenerator
{
    /// <summary>Generates the runs of <paramref name="options"/>' shard.</summary>
    /// <param name="options">What to generate.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 0 or less for all cores.</param>
    public static TraceBatch Generate(DatasetOptions options, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = options.Model;
        var batch = new TraceBatch(options.FirstRun, options.RunCount, options.NeuronsPerRun, options.Steps,
            options.TimeStepMs, options.IncludeRecovery, options.CurrentColumns, model.Spikes);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount };
        if (options.Synaptic is { } synaptic)
        {
            var events = new TraceEvents[batch.TraceCount];
            Parallel.For(0, batch.TraceCount, parallel, trace =>
                events[trace] = SynapticInputGenerator.Draw(synaptic, model.Synapses, options.Seed, batch.Traces.Runs[trace], batch.Traces.Neurons[trace], batch.Steps, batch.TimeStepMs));
            batch.Events = events;
        }
        else
        {
            Parallel.For(0, batch.TraceCount, parallel, trace =>
            {
                long run = batch.Traces.Runs[trace], neuron = batch.Traces.Neurons[trace];
                for (int input = 0; input < batch.Inputs.Count; input++)
                {
                    StimulusGenerator.Fill(options.Stimulus, options.Seed, run, neuron, batch.TimeStepMs, batch.Trace(batch.Inputs[input], trace), input);
                }
            });
        }
        batch.Divergences = model.Simulate(batch, maxDegreeOfParallelism);
        return batch;
    }
}
