using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuronSurrogate.Cards;
using NeuronSurrogate.Data;
using NeuronSurrogate.Dataset;
using NeuronSurrogate.Stimuli;
using NeuronSurrogate.Torch;
using NeuronSurrogate.Train;

namespace NeuronSurrogate.Tests;

[TestClass]
public sealed class LatentJobTest
{
    /// <summary>Runs the Train app as a child process, as a user would.</summary>
    private static (int ExitCode, string Error) Train(params string[] args) => Train(new Dictionary<string, string>(), args);

    /// <summary>Runs the Train app as a child process with these environment variables set.</summary>
    private static (int ExitCode, string Error) Train(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(CliProcess.DotNet) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NeuronSurrogate.Train.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the Train app did not finish within 3 minutes: {string.Join(' ', args)}");
        }
        return (process.ExitCode, stderr.Result);
    }

    /// <summary>A traces CSV with a second current column: Izhikevich RS driven by mixed stimuli, <c>current_dend</c> a scaled copy.</summary>
    private static string Dataset(TempFolder folder, string name, int runs, int steps, StimulusKind kind = StimulusKind.Mixed, double mean = 10)
    {
        var batch = DatasetGenerator.Generate(new DatasetOptions { Runs = runs, NeuronsPerRun = 2, Steps = steps, Stimulus = new StimulusOptions { Kind = kind, MeanCurrent = mean, StandardDeviation = 0.5 } });
        var text = new StringBuilder("run,neuron,time_ms,current,current_dend,voltage\n");
        for (int trace = 0; trace < batch.TraceCount; trace++)
        {
            for (int t = 0; t < batch.Steps; t++)
            {
                double current = batch.Currents[trace * batch.Steps + t];
                text.Append(CultureInfo.InvariantCulture, $"{trace / 2},{trace % 2},{TraceBatch.TimeOf(t, batch.TimeStepMs)},{current},{0.25 * current},{batch.VoltagesMv[trace * batch.Steps + t]}\n");
            }
        }
        return folder.Write(name, text.ToString());
    }

    /// <summary>
    /// The kernels are pinned from inside the process (issue 21): a training whose environment asks libtorch for its
    /// AVX-512 kernels and MKL for its automatic branch writes the same bytes as one that asks for the plainest kernels,
    /// and its card says which kernels ran.
    /// </summary>
    [TestMethod]
    [TestCategory("Slow")]
    public void LatentJobTest_KernelPinHoldsWhateverTheEnvironmentAsks()
    {
        if (!TorchRuntime.CanPin)
        {
            Assert.Inconclusive("the kernels are pinned on x86-64 Linux with AVX2 only");
        }
        using var folder = new TempFolder();
        string data = Dataset(folder, "pin.csv", runs: 30, steps: 200);
        string[] Args(string name) => ["--data", data, "--models", folder.File(name), "--results", folder.File(name + "_results"), "--iterations", "3", "--hidden", "8", "8"];
        // Unpinned, these two ask for different kernels and give different bytes (measured with the code before the pin).
        var plain = Train(new Dictionary<string, string> { ["ATEN_CPU_CAPABILITY"] = "default", ["MKL_CBWR"] = "COMPATIBLE" }, Args("plain"));
        Assert.AreEqual(0, plain.ExitCode, plain.Error);
        var widest = Train(new Dictionary<string, string> { ["ATEN_CPU_CAPABILITY"] = "avx512", ["MKL_CBWR"] = "AUTO", ["ONEDNN_MAX_CPU_ISA"] = "AVX512_CORE" }, Args("widest"));
        Assert.AreEqual(0, widest.ExitCode, widest.Error);
        foreach (var file in new[] { "pin_latent.onnx", "pin_latent_rollout.onnx", "pin_latent.json" })
        {
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(folder.File("plain"), file)), File.ReadAllBytes(Path.Combine(folder.File("widest"), file)), file);
        }
        var kernels = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.File("widest"), "pin_latent.json")))!["training"]!["kernels"]!;
        Assert.AreEqual(TorchRuntime.PinnedCapability, (string?)kernels["aten_cpu_capability"]);
        Assert.AreEqual(TorchRuntime.PinnedMklBranch, (string?)kernels["mkl_branch"]);
        Assert.IsTrue((bool)kernels["pinned"]!);
        Assert.IsNull(kernels["cpu"], "a pinned card names no processor: its bytes do not depend on one");
    }

    [TestMethod]
    public void LatentJobTest_BadDataIsOneLineAndExitCodeTwo()
    {
        using var folder = new TempFolder();
        string[] Outputs() => ["--models", folder.File("models"), "--results", folder.File("results"), "--iterations", "2"];
        var single = Train(["--data", folder.Write("one.csv", "run,neuron,time_ms,current,voltage\n0,0,0,1,-65\n0,0,0.1,1,-64\n0,0,0.2,1,-63\n"), .. Outputs()]);
        Assert.AreEqual(2, single.ExitCode, single.Error);
        string line = single.Error.Trim().Split('\n')[^1];
        StringAssert.StartsWith(line, "error: ");
        StringAssert.Contains(line, "one.csv");
        StringAssert.Contains(line, "enough runs for a train/validation/test split");
        Assert.AreEqual(1, single.Error.Split('\n').Count(l => l.StartsWith("error: ", StringComparison.Ordinal)), single.Error);

        var mixedDt = new StringBuilder("run,neuron,time_ms,current,voltage\n");
        for (int run = 0; run < 30; run++)
        {
            double dt = run == 7 ? 0.05 : 0.1;
            for (int t = 0; t < 50; t++)
            {
                mixedDt.Append(CultureInfo.InvariantCulture, $"{run},0,{Math.Round(t * dt, 9)},5,-65\n");
            }
        }
        var dts = Train(["--data", folder.Write("dt.csv", mixedDt.ToString()), .. Outputs()]);
        Assert.AreEqual(2, dts.ExitCode, dts.Error);
        StringAssert.Contains(dts.Error, "0.05 ms");

        var silent = Train(["--data", Dataset(folder, "silent.csv", runs: 30, steps: 100, kind: StimulusKind.Gaussian, mean: 0), .. Outputs()]);
        Assert.AreEqual(2, silent.ExitCode, silent.Error);
        StringAssert.Contains(silent.Error, "training traces with spikes");

        var both = Train(["--data", folder.File("x.csv"), "--neuron", "hh"]);
        Assert.AreEqual(2, both.ExitCode, both.Error);
        StringAssert.Contains(both.Error, "--neuron and --data");
        var combined = Train(["--data", folder.File("x.csv"), "--stimulus", "combined", .. Outputs()]);
        Assert.AreEqual(2, combined.ExitCode, combined.Error);
        StringAssert.Contains(combined.Error, "--stimulus combined goes with --neuron");
        var missing = Train(["--data", folder.File("none.csv"), .. Outputs()]);
        Assert.AreEqual(2, missing.ExitCode, missing.Error);
        StringAssert.Contains(missing.Error, "none.csv");
        Assert.IsFalse(Directory.Exists(folder.File("models")), "nothing written for bad input");
    }

    [TestMethod]
    [TestCategory("Slow")]
    public void LatentJobTest_AnyCsvTrainsAModelThatPredictServes()
    {
        using var folder = new TempFolder();
        string dataset = Dataset(folder, "mine.csv", runs: 30, steps: 300);
        var options = new TrainOptions
        {
            LatentOnly = true,
            ModelName = "mine_latent",
            DatasetPath = dataset,
            CurrentUnit = "pA",
            Latent = new LatentSettings { Hidden = [8, 8], VoltageMemory = 3, SpikeMemory = 2, Iterations = 4, BatchSize = 8, MinWindowSteps = 10, MaxWindowSteps = 30, EvaluateEvery = 2 },
            Seeds = 2,
            ModelsFolder = folder.File("models"),
            ResultsFolder = folder.File("results"),
            PlotTraces = 1,
            Command = "test",
        };
        var log = new List<string>();
        Assert.AreEqual(0, new LatentJob(options, log.Add).Run(), string.Join('\n', log));
        string model = Path.Combine(options.ModelsFolder, "mine_latent.onnx");
        var card = LatentModelCard.Read(Path.ChangeExtension(model, ".json"));
        CollectionAssert.AreEqual(new[] { "current", "current_dend" }, card.Latent.Inputs.Select(i => i.Column).ToArray());
        Assert.AreEqual("pA", card.Latent.Inputs[0].Unit);
        Assert.AreEqual(30, card.Rule!.PeakMv);
        CollectionAssert.AreEqual(new[] { "currents", "current_dend" }, card.RolloutInputs.Select(t => t.Name).ToArray());
        Assert.IsTrue(File.Exists(Path.Combine(options.ModelsFolder, "mine_latent_rollout.onnx")));
        Assert.HasCount(2, Directory.GetFiles(options.ModelsFolder, "*.onnx"), "only the shipped seed's graphs land in models/");
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(options.ResultsFolder, "metrics.json"))))
        {
            var root = metrics.RootElement;
            Assert.AreEqual(2, root.GetProperty("seeds").GetArrayLength());
            Assert.AreEqual(1, root.GetProperty("seeds").EnumerateArray().Count(s => s.GetProperty("shipped").GetBoolean()));
            foreach (var name in new[] { "mine_latent", "constant_rest", "train_mean" })
            {
                Assert.AreEqual(JsonValueKind.Number, root.GetProperty("models").GetProperty(name).GetProperty("closed_loop").GetProperty("gamma").ValueKind, name);
            }
            Assert.IsFalse(root.GetProperty("models").TryGetProperty("input_blind", out _), "no simulator for a user's file");
        }
        StringAssert.Contains(File.ReadAllText(Path.Combine(options.ResultsFolder, "report.md")), "## Seeds");

        // The card records the training runs' input envelope (the training split only, so within the file's range).
        var envelope = card.Envelope!;
        Assert.AreEqual(0.1, envelope.TimeStepMs, 1e-12);
        Assert.AreEqual(30.0, envelope.TraceMs, 1e-9);
        CollectionAssert.AreEqual(new[] { "current", "current_dend" }, envelope.Inputs.Select(i => i.Column).ToArray());
        var fileCurrents = File.ReadLines(dataset).Skip(1).Select(l => double.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.IsTrue(envelope.Inputs[0].Min >= fileCurrents.Min() && envelope.Inputs[0].Max <= fileCurrents.Max() && envelope.Inputs[0].Max > envelope.Inputs[0].Min);
        Assert.AreEqual(0.25 * envelope.Inputs[0].Max, envelope.Inputs[1].Max, 1e-9 * Math.Abs(envelope.Inputs[0].Max));
        Assert.IsGreaterThan(0, envelope.Inputs[0].MaxRatePerMs);

        // predict serves the new card unchanged, and names a missing input column.
        string output = folder.File("p.csv");
        var served = CliRunner.Run("predict", "--model", model, "--input", dataset, "--output", output);
        Assert.AreEqual(0, served.ExitCode, served.Error);

        // Currents outside the envelope: predicted all the same, with one warning line per kind of excursion.
        string shifted = folder.Write("shifted.csv", string.Join('\n', File.ReadLines(dataset).Select((l, i) =>
        {
            if (i == 0)
            {
                return l;
            }
            var f = l.Split(',');
            f[3] = (double.Parse(f[3], CultureInfo.InvariantCulture) - 2 * envelope.Inputs[0].Max).ToString("R", CultureInfo.InvariantCulture);
            return string.Join(',', f);
        })) + "\n");
        var outside = CliRunner.Run("predict", "--model", model, "--input", shifted, "--output", folder.File("outside.csv"));
        Assert.AreEqual(0, outside.ExitCode, outside.Error);
        StringAssert.Contains(outside.Error, "warning: input outside the model's training envelope: current below its training minimum");
        StringAssert.Contains(outside.Error, "(first: run 0, neuron 0)");
        Assert.AreEqual(1, outside.Error.Split('\n').Count(l => l.Contains(": current below its training minimum", StringComparison.Ordinal)), outside.Error);
        Assert.IsTrue(File.Exists(folder.File("outside.csv")));
        // evaluate says so too when told the model; the scores are the same either way.
        var judged = CliRunner.Run("evaluate", "-t", shifted, "-p", folder.File("outside.csv"), "--model", model);
        Assert.AreEqual(0, judged.ExitCode, judged.Error);
        StringAssert.Contains(judged.Error, "warning: input outside the model's training envelope: current below its training minimum");
        Assert.AreEqual(CliRunner.Run("evaluate", "-t", shifted, "-p", folder.File("outside.csv")).Out, judged.Out);
        Assert.AreEqual("run,neuron,time_ms,current,current_dend,voltage,predicted_voltage,predicted_spike", File.ReadLines(output).First());
        var forced = CliRunner.Run("predict", "--model", model, "--input", dataset, "--output", folder.File("tf.csv"), "--mode", "teacher-forced");
        Assert.AreEqual(0, forced.ExitCode, forced.Error);
        var scored = CliRunner.Run("evaluate", "--truth", dataset, "--prediction", output);
        Assert.AreEqual(0, scored.ExitCode, scored.Error);
        string somaOnly = folder.Write("soma.csv", string.Join('\n', File.ReadLines(dataset).Select(l => string.Join(',', l.Split(',').Take(4)))) + "\n");
        var lacking = CliRunner.Run("predict", "--model", model, "--input", somaOnly, "--output", folder.File("q.csv"));
        Assert.AreEqual(2, lacking.ExitCode);
        StringAssert.Contains(lacking.Error, "'current_dend'");
        Assert.AreEqual(1, lacking.Error.Trim().Split('\n').Length, lacking.Error);
        Assert.IsFalse(File.Exists(folder.File("q.csv")));

        // Triton takes both graphs.
        var triton = CliRunner.Run("export-triton", "--model", Path.Combine(options.ModelsFolder, "mine_latent_rollout.onnx"), "--out", folder.File("triton"), "--name", "latent");
        Assert.AreEqual(0, triton.ExitCode, triton.Error);
        StringAssert.Contains(File.ReadAllText(folder.File("triton/latent/config.pbtxt")), "name: \"current_dend\"");

        // A card whose state does not match its graph: one line, exit 2.
        var json = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(model, ".json")))!;
        json["latent"]!["voltage_memory"] = 5;
        File.WriteAllText(Path.ChangeExtension(model, ".json"), json.ToJsonString());
        var mismatch = CliRunner.Run("predict", "--model", model, "--input", dataset, "--output", folder.File("r.csv"));
        Assert.AreEqual(2, mismatch.ExitCode);
        StringAssert.Contains(mismatch.Error, "state size");
    }
}
