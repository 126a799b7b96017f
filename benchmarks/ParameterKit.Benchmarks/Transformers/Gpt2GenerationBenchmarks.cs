using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// <see cref="CausalGenerationBenchmarks"/> on GPT-2 small (124M, random weights), its matrices held in float32, bf16,
/// f16 or Q8_0, all loaded from one bf16 checkpoint in the Hub's layout (so every row computes on the same values): the three
/// llama-bench tests, against llama-bench on the f32, bf16, f16 and Q8_0 GGUFs of GPT-2 small's shape
/// (benchmarks/llama.cpp/make_gguf.py, quantize_q8_0.sh, run_bench.sh).
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*Gpt2GenerationBenchmarks*'</c>.
/// </summary>
public class Gpt2GenerationBenchmarks : CausalGenerationBenchmarks
{
    private string? _folder;

    /// <inheritdoc/>
    public override IEnumerable<string> Models => ["GPT-2 small F32", "GPT-2 small BF16", "GPT-2 small F16", "GPT-2 small Q8_0"];

    private protected override ICausalLanguageModel CreateModel(string model)
    {
        ModelLoadOptions options = model[(model.LastIndexOf(' ') + 1)..] switch
        {
            "F32" => new ModelLoadOptions { WeightType = DType.F32 },
            "BF16" => new ModelLoadOptions { WeightType = DType.BF16 },
            "F16" => new ModelLoadOptions { WeightType = DType.F16 },
            "Q8_0" => new ModelLoadOptions { Quantization = WeightQuantization.Q8_0 }, // quantized once on load, as llama-quantize does
            _ => throw new ArgumentException($"Unknown weight type in '{model}'."),
        };
        _folder = Directory.CreateTempSubdirectory("gpt2-small-bench").FullName;
        BFloat16Checkpoint.Write(Gpt2Model.Create(Gpt2Config.Small, seed: 0).Store, Path.Combine(_folder, "model.safetensors"), Gpt2HubLayout.IsConv1DWeight);
        File.WriteAllText(Path.Combine(_folder, "config.json"),
            """{"n_layer": 12, "n_head": 12, "n_embd": 768, "vocab_size": 50257, "n_positions": 1024, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        GC.Collect(); // the float32 model that wrote the file is garbage now
        return Gpt2Model.Load(_folder, options);
    }

    private protected override void Release()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
