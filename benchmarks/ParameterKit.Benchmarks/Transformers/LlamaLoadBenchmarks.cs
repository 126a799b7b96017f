using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ParameterKit.Models;
using ParameterKit.Models.Llama;
using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// Loading a 1 GB checkpoint: a Qwen2.5-0.5B-shaped folder (random weights, bf16 as the Hub stores it: 988 MB) from a
/// warm page cache, as a second run of an application finds it, into a model ready to generate. Setup also prints the
/// private memory one load adds (<c>// PrivateMemory</c> in the log), since what a load keeps matters as much as how
/// long it takes.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*LlamaLoadBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class LlamaLoadBenchmarks
{
    /// <summary>1 warm-up and 5 measured loads, in-process.</summary>
    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private string _folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("qwen2.5-0.5b-bf16-bench").FullName;
        LlamaModel random = LlamaModel.Create(LlamaConfig.Qwen25With05B, seed: 0);
        BFloat16Checkpoint.Write(random.Store, Path.Combine(_folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(_folder, "config.json"),
            """
            {"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "max_position_embeddings": 32768, "rope_theta": 1000000.0,
             "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "torch_dtype": "bfloat16"}
            """);
        random = null!;
        GC.Collect();
        _ = Load(); // warm the page cache
        GC.Collect();
        long before = Process.GetCurrentProcess().PrivateMemorySize64;
        ICausalLanguageModel model = CausalLanguageModel.Load(_folder);
        long after = Process.GetCurrentProcess().PrivateMemorySize64;
        long held = model is LlamaModel llama ? llama.Store.HeldBytes : 0;
        Console.WriteLine($"// PrivateMemory: load added {(after - before) / 1e6:F1} MB; the model holds {held / 1e6:F1} MB; " +
            $"file {new FileInfo(Path.Combine(_folder, "model.safetensors")).Length / 1e6:F1} MB");
        GC.KeepAlive(model);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>config.json and the 988 MB bf16 model.safetensors into a float32 model.</summary>
    [Benchmark]
    public int Load() => CausalLanguageModel.Load(_folder).VocabularySize;
}
