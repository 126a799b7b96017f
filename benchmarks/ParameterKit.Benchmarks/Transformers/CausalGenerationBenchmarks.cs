using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// Generation by a causal language model with random weights (the cost does not depend on the values), batch 1, greedy:
/// the three tests llama-bench runs, so its tokens/s and the PyTorch scripts' compare row by row:
/// <list type="bullet">
/// <item><c>Prompt512</c> (llama-bench's pp512): a 512-token prompt through the cached forward pass from an empty cache,
/// the logits of the last position; tokens/s = 512 / time.</item>
/// <item><c>Generate128</c> (tg128): 128 tokens, one forward each, from an empty cache; tokens/s = 128 / time.</item>
/// <item><c>Prompt512ThenGenerate128</c> (-pg 512,128): the prompt, then 128 tokens after it; tokens/s = 640 / time.</item>
/// </list>
/// Each next token is the argmax of the last logits (a greedy step costs one pass over V floats, under 0.1% of the
/// forward). The ratios against PyTorch 1.13 and llama.cpp of the same session are in benchmarks/README.md.
/// The subclasses choose the models and how their weights are held: <see cref="LlamaBenchmarks"/> Llama shapes in
/// float32, <see cref="LlamaHalfPrecisionBenchmarks"/> the same in bf16 read in place from the checkpoint,
/// <see cref="Gpt2GenerationBenchmarks"/> GPT-2 small in float32, bf16 and f16.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public abstract class CausalGenerationBenchmarks
{
    /// <summary>
    /// 1 warm-up and 3 measured runs of one invocation each, in-process (a 2 GB model is built once per case rather than
    /// in a generated project), with a time limit that a Qwen prompt at one thread on a shared host stays inside.
    /// </summary>
    private sealed class InProcessConfig() : InProcessRunsConfig(iterations: 3);

    private const int PromptTokens = 512;
    private const int NewTokens = 128;
    private ICausalLanguageModel _model = null!;
    private KvCache _cache = null!;
    private int[] _prompt = null!;
    private float[] _logits = null!;

    /// <summary>The model under test, one of <see cref="Models"/>.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    /// <summary>The models a subclass measures (its names for <see cref="CreateModel"/>).</summary>
    public abstract IEnumerable<string> Models { get; }

    /// <summary>Threads the GEMM kernels may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        _model = CreateModel(Model);
        // Room for the prompt and the generated tokens only: a cache for Qwen's whole 32,768-position context would
        // take 0.8 GB that no test touches.
        _cache = _model.CreateCache(PromptTokens + NewTokens);
        var random = new Random(0);
        _prompt = [.. Enumerable.Range(0, PromptTokens).Select(_ => random.Next(_model.VocabularySize))];
        _logits = new float[_model.VocabularySize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Release();
    }

    /// <summary>Builds the model named <paramref name="model"/>: random weights of its shape, seed 0.</summary>
    private protected abstract ICausalLanguageModel CreateModel(string model);

    /// <summary>Frees what <see cref="CreateModel"/> made besides the model (a checkpoint folder); nothing by default.</summary>
    private protected virtual void Release()
    {
    }

    /// <summary>pp512: the prompt from an empty cache, logits of its last position.</summary>
    [Benchmark]
    public float Prompt512()
    {
        _cache.Reset();
        _model.ForwardCached(_prompt, _cache, _logits);
        return _logits[0];
    }

    /// <summary>tg128: 128 tokens generated one forward at a time from an empty cache.</summary>
    [Benchmark]
    public int Generate128()
    {
        _cache.Reset();
        return GenerateAfter(_prompt[0]);
    }

    /// <summary>pp512+tg128: the prompt, then 128 tokens generated after it.</summary>
    [Benchmark]
    public int Prompt512ThenGenerate128()
    {
        _cache.Reset();
        _model.ForwardCached(_prompt, _cache, _logits);
        return GenerateAfter(TensorPrimitives.IndexOfMax(_logits));
    }

    /// <summary>Feeds <paramref name="token"/> and then each argmax until 128 single-token forwards have run.</summary>
    private int GenerateAfter(int token)
    {
        for (int i = 0; i < NewTokens; i++)
        {
            _model.ForwardCached([token], _cache, _logits);
            token = TensorPrimitives.IndexOfMax(_logits);
        }
        return token;
    }
}
