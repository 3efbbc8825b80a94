using Microsoft.ML;
using Microsoft.ML.Data;
using NeuronSurrogate.Features;
using NeuronSurrogate.Rollout;

namespace NeuronSurrogate.MLNet;

/// <summary>An ML.NET regression model (features → <c>Score</c>) as a one-step predictor for the rollouts.</summary>
/// <remarks>Not thread-safe: one rollout at a time. The rows it scores are reused from call to call.</remarks>
public sealed class MlNetPredictor : IOneStepPredictor
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly SchemaDefinition _schema;
    private readonly List<FeatureRow> _rows = [];

    public MlNetPredictor(MLContext ml, ITransformer model, FeatureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _ml = ml ?? throw new ArgumentNullException(nameof(ml));
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _schema = FeatureDataView.Schema(spec);
        FeatureCount = spec.Count;
    }

    public int FeatureCount { get; }

    public void Predict(ReadOnlySpan<float> features, Span<float> outputs, int rows)
    {
        while (_rows.Count < rows)
        {
            _rows.Add(new FeatureRow { Features = new float[FeatureCount] });
        }
        for (int r = 0; r < rows; r++)
        {
            features.Slice(r * FeatureCount, FeatureCount).CopyTo(_rows[r].Features);
        }
        var view = _ml.Data.LoadFromEnumerable(_rows.Take(rows), _schema);
        var scored = _model.Transform(view);
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([score]);
        var get = cursor.GetGetter<float>(score);
        int row = 0;
        float value = 0;
        while (cursor.MoveNext())
        {
            get(ref value);
            outputs[row++] = value;
        }
        if (row != rows)
        {
            throw new InvalidOperationException($"the model scored {row} rows of {rows}");
        }
    }
}
