using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>
/// Adam (Kingma and Ba 2015) with every coefficient a Scalar this object owns or one it makes for the step and disposes
/// after it: TorchSharp's own Adam turns β₁, 1 − β₁, ε and the step size into Scalars on every step that only the finalizer
/// frees (see <see cref="TorchScalars"/>). The arithmetic is TorchSharp's, operation for operation (bias-corrected moments,
/// <c>addcmul_</c>, <c>addcdiv_</c>), so a training gives the same bits with either.
/// </summary>
/// <remarks>Does not own the parameters; owns the moments (dispose it).</remarks>
public sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoments, _secondMoments;
    private readonly double _beta1, _beta2;
    private readonly Scalar _beta1Scalar, _oneMinusBeta1, _beta2Scalar, _oneMinusBeta2, _epsilon;
    private long _steps;

    /// <param name="parameters">The parameters to train.</param>
    /// <param name="learningRate">The initial learning rate (<see cref="LearningRate"/> changes it).</param>
    /// <param name="beta1">Decay of the first moment. Defaults to 0.9.</param>
    /// <param name="beta2">Decay of the second moment. Defaults to 0.999.</param>
    /// <param name="epsilon">Added to the root of the second moment. Defaults to 1e-8.</param>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        TorchRuntime.Prepare();
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _beta1Scalar = beta1.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _beta2Scalar = beta2.ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilon = epsilon.ToScalar();
        _firstMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoments = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>The parameters' gradients set to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>One Adam step from the parameters' current gradients (a parameter without one is left alone).</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _steps++;
        double firstCorrection = 1 - Math.Pow(_beta1, _steps);
        double secondCorrection = 1 - Math.Pow(_beta2, _steps);
        using var secondRoot = Math.Sqrt(secondCorrection).ToScalar();
        using var stepSize = (-(LearningRate / firstCorrection)).ToScalar();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null)
            {
                continue;
            }
            _firstMoments[i].mul_(_beta1Scalar).add_(grad, _oneMinusBeta1);
            _secondMoments[i].mul_(_beta2Scalar).addcmul_(grad, grad.conj(), _oneMinusBeta2);
            var denominator = _secondMoments[i].sqrt().div(secondRoot).add_(_epsilon, TorchScalars.One);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Dispose();
        }
        foreach (var scalar in new[] { _beta1Scalar, _oneMinusBeta1, _beta2Scalar, _oneMinusBeta2, _epsilon })
        {
            scalar.Dispose();
        }
    }
}
