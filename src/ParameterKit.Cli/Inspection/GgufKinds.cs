using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>
/// Decides each GGUF tensor's kind. For an architecture ParameterKit loads (gpt2, llama, qwen2) the tensor is first
/// renamed to the parameter it fills, by the same name map the loader uses (<see cref="GgufArchitectures.ParameterName"/>),
/// and that Hugging Face name is classified by the library's rules, exactly as <c>inspect</c> classifies a safetensors
/// checkpoint of the same model. For any other architecture llama.cpp's own names are classified by the same rules,
/// with its <c>*_embd</c> tensors as embeddings.
/// </summary>
internal static class GgufKinds
{
    /// <summary>
    /// llama.cpp's rotary frequency factors (Llama 3.1's <c>rope_freqs.weight</c>): computed from the configuration, not
    /// trained, so a buffer like Hugging Face's <c>inv_freq</c>.
    /// </summary>
    private const string RotaryFactors = "rope_freqs.weight";

    /// <summary>The parameter <paramref name="tensor"/> fills (null when the architecture has no such name) and its kind (null for a buffer).</summary>
    public static (string? Parameter, ParameterKind? Kind) Of(string? architecture, GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Name == RotaryFactors)
        {
            return (null, null);
        }
        string? parameter = architecture is null ? null : GgufArchitectures.ParameterName(architecture, tensor.Name);
        if (parameter is not null)
        {
            return (parameter, CheckpointCounter.InferKind(parameter, tensor.Rank));
        }
        ReadOnlySpan<char> name = tensor.Name;
        int lastDot = name.LastIndexOf('.');
        ReadOnlySpan<char> module = lastDot <= 0 ? name : name[(name[..lastDot].LastIndexOf('.') + 1)..lastDot];
        return (null, module.EndsWith("_embd", StringComparison.Ordinal) ? ParameterKind.Embedding : CheckpointCounter.InferKind(name, tensor.Rank));
    }
}
