using BenchmarkDotNet.Attributes;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Kernels;
using ParameterKit.Transformers;

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
    private TextGenerator _generator = null!;
    private KvCache _cache = null!;
    private int[] _prompt = null!;
    private int[] _longPrompt = null!;
    private int[] _generated = null!;
    private float[] _logits = null!;
    private string _folder = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        _model = Gpt2Model.Create(Gpt2Config.Small, seed: 0);
        _generator = new TextGenerator(_model);
        _cache = _model.CreateCache();
        var random = new Random(0);
        _prompt = [.. Enumerable.Range(0, 16).Select(_ => random.Next(50257))];
        _longPrompt = [.. Enumerable.Range(0, 512).Select(_ => random.Next(50257))];
        _generated = new int[NewTokens];
        _logits = new float[Gpt2Config.Small.VocabSize];
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
    public int Generate128Tokens()
    {
        int produced = _generator.Generate(_prompt, _generated, GenerationOptions.Greedy(NewTokens));
        return produced == NewTokens ? produced : throw new InvalidOperationException($"Generated {produced} tokens.");
    }

    /// <summary>A 512-token prompt through the cached forward pass (what generation does first), logits of the last position.</summary>
    [Benchmark]
    public float Prompt512()
    {
        _cache.Reset();
        _model.ForwardCached(_longPrompt, _cache, _logits);
        return _logits[0];
    }

    /// <summary>config.json + the 498 MB model.safetensors into a new model (Conv1D weights transposed).</summary>
    [Benchmark]
    public int LoadCheckpoint() => Gpt2Model.Load(_folder).Config.Layers;
}
