using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// GPT-2 small (124M, random weights) with its matrices held as Q8_0 against float32, on the GGUF files llama.cpp's
/// <c>llama-bench</c> reads (benchmarks/llama.cpp/README.md): Q8_0 weights viewed in place from
/// <c>gpt2-small-q8_0.gguf</c> (written by llama.cpp's <c>llama-quantize</c>), float32 from <c>gpt2-small-f32.gguf</c>,
/// the same values before quantization. 128 greedy tokens after a 16-token prompt (llama-bench's tg128 decodes 128
/// tokens from an empty context), a 512-token prompt (pp512) and the load itself. Setup prints the private memory the load added
/// (<c>// PrivateMemory</c> lines). Baseline: the float32 rows of the same run; llama.cpp's figures come from
/// <c>run_bench.sh</c> in the same quiet window.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*Gpt2Q8_0Benchmarks*'</c>
/// (<c>PK_BENCH_MODELS</c> overrides the models folder, /work/bench-models by default).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class Gpt2Q8_0Benchmarks
{
    /// <summary>1 warm-up and 3 measured runs of one invocation each, in-process, with a generous time limit.</summary>
    private sealed class InProcessConfig() : InProcessRunsConfig(iterations: 3);

    private const int NewTokens = 128;
    private Gpt2Model _model = null!;
    private GenerationWorkload _workload = null!;

    /// <summary>How the model holds its matrices.</summary>
    [Params("F32", "Q8_0")]
    public string Weights { get; set; } = "F32";

    [Params(1, 2)]
    public int Threads { get; set; }

    private static string Models => Environment.GetEnvironmentVariable("PK_BENCH_MODELS") ?? "/work/bench-models";

    private string File => Path.Combine(Models, "gguf", Weights == "Q8_0" ? "gpt2-small-q8_0.gguf" : "gpt2-small-f32.gguf");

    private ModelLoadOptions Options => new() { Quantization = Weights == "Q8_0" ? WeightQuantization.Q8_0 : WeightQuantization.None };

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        Gpt2Model.LoadGguf(File, Options).Dispose(); // warm the page cache
        GC.Collect();
        long before = Process.GetCurrentProcess().PrivateMemorySize64;
        _model = Gpt2Model.LoadGguf(File, Options);
        long after = Process.GetCurrentProcess().PrivateMemorySize64;
        Console.WriteLine($"// PrivateMemory {Weights}: load added {(after - before) / 1e6:F1} MB; the model holds {_model.Store.HeldBytes / 1e6:F1} MB, " +
            $"{_model.Store.MappedBytes / 1e6:F1} MB of it mapped; Q8_0 path {Q8_0Dispatch.Best}");
        _workload = new GenerationWorkload(_model, NewTokens);
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>128 greedy tokens with the KV cache, batch 1, after a 16-token prompt.</summary>
    [Benchmark]
    public int Generate128Tokens() => _workload.Generate();

    /// <summary>A 512-token prompt through the cached forward pass, logits of the last position.</summary>
    [Benchmark]
    public float Prompt512() => _workload.Prompt512();

    /// <summary>
    /// Opening the GGUF into a model ready to generate, warm page cache (#20's goal: under 50 ms for Q8_0, zero-copy);
    /// the model is disposed (the map closed) after.
    /// </summary>
    [Benchmark]
    public int LoadGguf()
    {
        using Gpt2Model model = Gpt2Model.LoadGguf(File, Options);
        return model.Config.Layers;
    }
}
