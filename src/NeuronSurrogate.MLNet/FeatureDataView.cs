using Microsoft.ML;
using Microsoft.ML.Data;
using NeuronSurrogate.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Simulation;

namespace NeuronSurrogate.MLNet;

/// <summary>Builds ML.NET views of causal (features → target) examples from traces.</summary>
public static class FeatureDataView
{
    /// <summary>The column names of the feature views.</summary>
    public const string FeaturesColumn = "Features", LabelColumn = "Label";

    /// <summary>The schema of <see cref="FeatureRow"/> with the vector size of <paramref name="spec"/>.</summary>
    public static SchemaDefinition Schema(FeatureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, spec.Count);
        return schema;
    }

    /// <summary>
    /// The examples of every trace, every <paramref name="stride"/>-th step. Steps right after a recorded peak are left
    /// out: the peak → reset rule decides them, not the model.
    /// </summary>
    public static IDataView Create(MLContext ml, FeatureSpec spec, TraceSet traces, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        spec.Validate();
        var rows = new List<FeatureRow>();
        for (int trace = 0; trace < traces.TraceCount; trace++)
        {
            var v = traces.Trace(traces.VoltagesMv, trace);
            var i = traces.Trace(traces.Currents, trace);
            // The offset varies with the trace so that a stride does not always sample the same phase.
            for (int t = trace % stride; t < traces.Steps; t += stride)
            {
                if (t >= 1 && v[t - 1] >= IzhikevichModel.PeakMv)
                {
                    continue;
                }
                var features = new float[spec.Count];
                spec.Fill(v, i, t, features);
                rows.Add(new FeatureRow { Features = features, Label = (float)spec.TargetOf(v, t) });
            }
        }
        return ml.Data.LoadFromEnumerable(rows, Schema(spec));
    }
}
