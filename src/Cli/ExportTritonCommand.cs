using System.CommandLine;
using NeuronSurrogate.Inference;

namespace NeuronSurrogate.Cli;

/// <summary><c>export-triton</c>: a Triton Inference Server model repository entry for an ONNX model.</summary>
internal static class ExportTritonCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model", "-m") { Description = "ONNX model to serve.", DefaultValueFactory = _ => "models/surrogate.onnx" };
        var output = new Option<string>("--out", "-o") { Description = "Model repository folder (created if missing).", Required = true };
        var name = new Option<string?>("--name") { Description = "Model name in the repository (default: the file name without .onnx)." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Triton's max_batch_size.", DefaultValueFactory = _ => 65536 };
        var command = new Command("export-triton", "Write DIR/NAME/1/model.onnx and DIR/NAME/config.pbtxt for NVIDIA Triton (ONNX Runtime backend, dynamic batching).")
        {
            model, output, name, maxBatch,
        };
        command.SetAction(result => context.Guard(() =>
        {
            string modelPath = result.GetValue(model)!;
            string modelName = result.GetValue(name) ?? Path.GetFileNameWithoutExtension(modelPath);
            if (result.GetValue(maxBatch) <= 0)
            {
                throw new ArgumentException($"--max-batch {result.GetValue(maxBatch)}: expected a positive batch size");
            }
            string folder = result.GetValue(output)!;
            if (Data.AtomicFile.IsStandardStream(folder))
            {
                throw new ArgumentException("--out -: expected a folder for the model repository (it holds two files, so it cannot be standard output)");
            }
            TritonRepository.Write(modelPath, folder, modelName, result.GetValue(maxBatch));
            context.Out.WriteLine($"wrote {Path.Combine(folder, modelName)}/1/model.onnx and config.pbtxt; serve with: tritonserver --model-repository={folder}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
