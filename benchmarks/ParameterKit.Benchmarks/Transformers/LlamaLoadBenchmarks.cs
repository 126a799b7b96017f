using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ParameterKit.Models;
using ParameterKit.Models.Llama;
using ParameterKit.Tensors;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// Loading a 1 GB checkpoint: a Qwen2.5-0.5B-shaped folder (random weights, bf16 as the Hub stores it: 988 MB) from a
/// warm page cache, as a second run of an application finds it, into a model ready to generate, holding float32 or bf16. Setup also prints the
/// private memory one load adds (<c>// PrivateMemory</c> in the log), since what a load keeps matters as much as how
/// long it takes.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*LlamaLoadBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class LlamaLoadBenchmarks
{
    /// <summary>1 warm-up and 5 measured loads, in-process.</summary>
    private sealed class InProcessConfig() : InProcessRunsConfig(iterations: 5);

    private string _folder = null!;

    /// <summary>How the loaded model holds its matrices: float32 (converted) or bf16 (in place from the map).</summary>
    [Params("F32", "BF16")]
    public string Weights { get; set; } = "F32";

    private ModelLoadOptions Options => new() { WeightType = Weights == "BF16" ? DType.BF16 : DType.F32 };

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("qwen2.5-0.5b-bf16-bench").FullName;
        LlamaModel random = LlamaModel.Create(LlamaConfig.Qwen25With05B, seed: 0);
        BFloat16Checkpoint.Write(random.Store, Path.Combine(_folder, "model.safetensors"));
        LlamaCheckpointConfig.Write(LlamaConfig.Qwen25With05B, Path.Combine(_folder, "config.json"));
        random = null!;
        GC.Collect();
        _ = Load(); // warm the page cache
        GC.Collect();
        long before = Process.GetCurrentProcess().PrivateMemorySize64;
        using LlamaModel model = LlamaModel.Load(_folder, Options);
        long after = Process.GetCurrentProcess().PrivateMemorySize64;
        Console.WriteLine($"// PrivateMemory {Weights}: load added {(after - before) / 1e6:F1} MB; the model holds {model.Store.HeldBytes / 1e6:F1} MB, " +
            $"{model.Store.MappedBytes / 1e6:F1} MB of it mapped; file {new FileInfo(Path.Combine(_folder, "model.safetensors")).Length / 1e6:F1} MB");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>config.json and the 988 MB bf16 model.safetensors into a model holding <see cref="Weights"/>.</summary>
    [Benchmark]
    public int Load()
    {
        using LlamaModel model = LlamaModel.Load(_folder, Options);
        return model.VocabularySize;
    }
}
