using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>An MLP trained on standardized inputs and targets: what <see cref="MlpTrainer"/> needs of a model.</summary>
public interface IStandardizedMlp
{
    /// <summary>Standardized inputs → standardized outputs.</summary>
    Tensor Core(Tensor standardized);
}
