using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuronSurrogate.Torch;

/// <summary>An MLP trained on standardized inputs and targets: what <see cref="MlpTrainer"/> needs of a model.</summary>
public interface IStandardizedMlp
{
    /// <summary>Raw input rows → standardized inputs, with the scaling fitted on the training rows.</summary>
    Tensor Standardize(Tensor inputs);

    /// <summary>Raw target rows → standardized targets, the way <see cref="Core"/>'s outputs are.</summary>
    Tensor StandardizeTargets(Tensor targets);

    /// <summary>Standardized inputs → standardized outputs.</summary>
    Tensor Core(Tensor standardized);
}
