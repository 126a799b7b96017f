using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Tensors;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// GPT-2 small (124M, random weights) with its matrices held in bf16 against float32, both loaded from the same bf16
/// checkpoint in the Hub's layout (so on the same values): 128 greedy tokens after a 16-token prompt (as the float32
/// table's <see cref="Gpt2Benchmarks"/>), and a 512-token prompt. Setup also prints the private memory the load added
/// (<c>// PrivateMemory</c> lines in the log); the load's time is <see cref="Gpt2LoadBenchmarks"/>. Baseline: the
/// float32 rows of the same run.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*Gpt2HalfPrecisionBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class Gpt2HalfPrecisionBenchmarks
{
    /// <summary>
    /// 1 warm-up and 3 measured runs of one invocation each, in-process (no generated project to build on a shared
    /// machine), with a generous time limit: on a saturated host one generation can take minutes.
    /// </summary>
    private sealed class InProcessConfig() : InProcessRunsConfig(iterations: 3);

    private const int NewTokens = 128;
    private Gpt2Model _model = null!;
    private GenerationWorkload _workload = null!;
    private string _folder = null!;

    /// <summary>How the model holds its matrices.</summary>
    [Params("F32", "BF16")]
    public string Weights { get; set; } = "F32";

    [Params(1, 2)]
    public int Threads { get; set; }

    private ModelLoadOptions Options => new() { WeightType = Weights == "BF16" ? DType.BF16 : DType.F32 };

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        _folder = Directory.CreateTempSubdirectory("gpt2-small-bf16-bench").FullName;
        BFloat16Checkpoint.Write(Gpt2Model.Create(Gpt2Config.Small, seed: 0).Store, Path.Combine(_folder, "model.safetensors"), Gpt2HubLayout.IsConv1DWeight);
        File.WriteAllText(Path.Combine(_folder, "config.json"),
            """{"n_layer": 12, "n_head": 12, "n_embd": 768, "vocab_size": 50257, "n_positions": 1024, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        Gpt2Model.Load(_folder, Options).Dispose(); // warm the page cache, as a second run of an application finds it
        GC.Collect();
        long before = Process.GetCurrentProcess().PrivateMemorySize64;
        _model = Gpt2Model.Load(_folder, Options);
        long after = Process.GetCurrentProcess().PrivateMemorySize64;
        Console.WriteLine($"// PrivateMemory {Weights}: load added {(after - before) / 1e6:F1} MB; the model holds {_model.Store.HeldBytes / 1e6:F1} MB, " +
            $"{_model.Store.MappedBytes / 1e6:F1} MB of it mapped; file {new FileInfo(Path.Combine(_folder, "model.safetensors")).Length / 1e6:F1} MB");
        _workload = new GenerationWorkload(_model, NewTokens);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>128 greedy tokens with the KV cache, batch 1.</summary>
    [Benchmark]
    public int Generate128Tokens() => _workload.Generate();

    /// <summary>A 512-token prompt through the cached forward pass, logits of the last position.</summary>
    [Benchmark]
    public float Prompt512() => _workload.Prompt512();
}
