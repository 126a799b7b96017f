using ParameterKit.Models.Llama;
using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// <see cref="CausalGenerationBenchmarks"/> on two Llama-family shapes people run on a CPU, SmolLM2-135M and
/// Qwen2.5-0.5B (GQA, tied head; Qwen's q/k/v biases), with float32 weights, the dtype of the PyTorch
/// (benchmarks/pytorch/llama_generation.py) and llama.cpp f32 baselines.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*LlamaBenchmarks*'</c>.
/// </summary>
public class LlamaBenchmarks : CausalGenerationBenchmarks
{
    /// <inheritdoc/>
    public override IEnumerable<string> Models => ["SmolLM2-135M", "Qwen2.5-0.5B"];

    /// <summary>The configuration of a shape named in <see cref="Models"/>.</summary>
    internal static LlamaConfig ConfigOf(string model) => model switch
    {
        "SmolLM2-135M" => LlamaConfig.SmolLM2With135M,
        "Qwen2.5-0.5B" => LlamaConfig.Qwen25With05B,
        _ => throw new ArgumentException($"Unknown model shape '{model}'."),
    };

    private protected override ICausalLanguageModel CreateModel(string model) => LlamaModel.Create(ConfigOf(model), seed: 0);
}
