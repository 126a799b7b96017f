using BenchmarkDotNet.Attributes;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Kernels;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// GPT-2 small (124M) with random weights, since real ones cannot be downloaded here (the cost does not depend on the
/// values): greedy generation of 128 tokens through the KV cache after a 16-token prompt, processing a 512-token
/// prompt, and loading the ~500 MB checkpoint from a warm page cache. The baseline is
/// benchmarks/pytorch/gpt2_generation.py (PyTorch 1.13, the same shapes and thread counts) run in the same time
/// window; the ratios are in benchmarks/README.md.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class Gpt2Benchmarks
{
    private const int NewTokens = 128;
    private Gpt2Model _model = null!;
    private GenerationWorkload _workload = null!;
    private string _folder = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        _model = Gpt2Model.Create(Gpt2Config.Small, seed: 0);
        _workload = new GenerationWorkload(_model, NewTokens);
        _folder = Directory.CreateTempSubdirectory("gpt2-small-bench").FullName;
        _model.Save(Path.Combine(_folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(_folder, "config.json"),
            """{"n_layer": 12, "n_head": 12, "n_embd": 768, "vocab_size": 50257, "n_positions": 1024, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        // Warm the page cache, as a second run of an application would find it.
        _ = Gpt2Model.Load(_folder);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>128 greedy tokens with the KV cache, batch 1 (the prompt of 16 is included; it is about 1% of the work).</summary>
    [Benchmark]
    public int Generate128Tokens() => _workload.Generate();

    /// <summary>A 512-token prompt through the cached forward pass (what generation does first), logits of the last position.</summary>
    [Benchmark]
    public float Prompt512() => _workload.Prompt512();

    /// <summary>config.json + the 498 MB model.safetensors into a new model (Conv1D weights transposed).</summary>
    [Benchmark]
    public int LoadCheckpoint() => Gpt2Model.Load(_folder).Config.Layers;
}
