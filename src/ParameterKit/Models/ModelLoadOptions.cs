using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Models;

/// <summary>
/// How a model is loaded from a checkpoint folder, for every architecture's <c>Load(folder, options)</c>
/// (<see cref="Gpt2.Gpt2Model.Load(string, ModelLoadOptions)"/>, <see cref="Llama.LlamaModel.Load(string, ModelLoadOptions)"/>,
/// and <see cref="CausalLanguageModel.Load(string, ModelLoadOptions)"/>, which picks the architecture).
/// </summary>
/// <example>
/// Generation with GPT-2's weights kept in bf16: half the memory, and half the bytes read per token.
/// <code>
/// using var model = Gpt2Model.Load("gpt2", new ModelLoadOptions { WeightType = DType.BF16 });
/// var generator = new TextGenerator(model);
/// </code>
/// </example>
public sealed class ModelLoadOptions
{
    /// <summary>The default: float32 weights, trainable.</summary>
    public static ModelLoadOptions Default { get; } = new();

    /// <summary>
    /// The type matrix weights (linear layers, embeddings, the output head) are held in.
    /// <list type="bullet">
    /// <item><see cref="DType.F32"/> (the default): every value converted to float32 on load; the model can be trained,
    /// fine-tuned and saved.</item>
    /// <item><see cref="DType.BF16"/> or <see cref="DType.F16"/>: for inference. A checkpoint already in that type is
    /// not copied: the weights are read where the memory-mapped file holds them (when its data is 2-byte aligned, as
    /// the safetensors writers make it), so loading is nearly free and the file stays open until the model is
    /// disposed. Another stored type is converted once (rounding to nearest even). Vectors (biases, norm gains) are
    /// float32 either way; the GEMMs widen the weights in registers and accumulate in float32. Asking such a model for
    /// gradients or float32 matrix values throws <see cref="Parameters.InferenceOnlyParameterException"/>.</item>
    /// </list>
    /// </summary>
    public DType WeightType { get; init; } = DType.F32;

    /// <summary>
    /// <see cref="WeightQuantization.Q8_0"/> holds every matrix (linear layers, embeddings, the output head) in llama.cpp's
    /// 8-bit Q8_0 blocks, for inference: 1.0625 bytes per weight, a quarter of float32's bytes per generated token. A
    /// GGUF file whose tensors are already Q8_0 is read in place from its memory map (the file stays open until the
    /// model is disposed); any other stored type is quantized once on load, deterministically, to the bytes
    /// <c>llama-quantize</c> writes for the same float32 values. Vectors (biases, norm gains) stay float32 and
    /// <see cref="WeightType"/> must stay F32. Generation and short prompts run integer dot products on activations
    /// quantized per block (llama.cpp's q8_0 x q8_0 arithmetic); long prompts dequantize the weights into the float32
    /// GEMM. A matrix whose column count is not a multiple of 32 stays float32 (as llama-quantize leaves it). Dispose the model to release the weights.
    /// </summary>
    /// <example>
    /// <code>
    /// using var model = Gpt2Model.Load("gpt2", new ModelLoadOptions { Quantization = WeightQuantization.Q8_0 });
    /// </code>
    /// </example>
    public WeightQuantization Quantization { get; init; } = WeightQuantization.None;

    /// <summary>Checks that <see cref="WeightType"/> is one a model can hold.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="WeightType"/> is not F32, BF16 or F16, or <see cref="Quantization"/> is unknown.</exception>
    /// <exception cref="ArgumentException"><see cref="Quantization"/> is Q8_0 and <see cref="WeightType"/> is not F32.</exception>
    internal void Validate()
    {
        if (Quantization is not (WeightQuantization.None or WeightQuantization.Q8_0))
        {
            throw new ArgumentOutOfRangeException(nameof(Quantization), Quantization, "Model weights can be quantized to Q8_0 or not at all.");
        }
        if (Quantization != WeightQuantization.None && WeightType != DType.F32)
        {
            throw new ArgumentException(
                $"Quantization {Quantization} holds the matrices as Q8_0 and the vectors as F32; WeightType {WeightType.SafeTensorsName()} cannot be combined with it.", nameof(WeightType));
        }
        if (WeightType is not (DType.F32 or DType.BF16 or DType.F16))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightType), WeightType,
                $"Model weights can be held as F32, BF16 or F16, not {WeightType.SafeTensorsName()}.");
        }
    }
}
