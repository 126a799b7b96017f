using ParameterKit.Models;
using ParameterKit.Models.Llama;
using ParameterKit.Tensors;
using ParameterKit.Transformers;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// <see cref="LlamaBenchmarks"/>' shapes with the matrices held in bf16, read in place from a bf16 checkpoint as the Hub
/// stores these models (vectors stay float32): half the bytes per generated token of the float32 rows, against
/// llama.cpp's bf16 GGUF of the same shapes.
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*LlamaHalfPrecisionBenchmarks*'</c>.
/// </summary>
public class LlamaHalfPrecisionBenchmarks : CausalGenerationBenchmarks
{
    /// <inheritdoc/>
    public override IEnumerable<string> Models => new LlamaBenchmarks().Models;

    private string? _folder;

    private protected override ICausalLanguageModel CreateModel(string model)
    {
        LlamaConfig config = LlamaBenchmarks.ConfigOf(model);
        _folder = Directory.CreateTempSubdirectory("llama-bf16-bench").FullName;
        BFloat16Checkpoint.Write(LlamaModel.Create(config, seed: 0).Store, Path.Combine(_folder, "model.safetensors"));
        LlamaCheckpointConfig.Write(config, Path.Combine(_folder, "config.json"));
        GC.Collect(); // the float32 model that wrote the file is garbage now
        return LlamaModel.Load(_folder, new ModelLoadOptions { WeightType = DType.BF16 });
    }

    private protected override void Release()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
