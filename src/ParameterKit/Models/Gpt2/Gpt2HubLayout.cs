using ParameterKit.SafeTensors;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// How Hugging Face stores GPT-2 checkpoints, which the safetensors layer (knowing no architecture) is told through
/// <see cref="CheckpointLoadOptions"/>: names may carry a <c>transformer.</c> prefix, and the four Conv1D weights
/// per block (<c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>mlp.c_fc</c>, <c>mlp.c_proj</c>) are stored C x OC where
/// this library's <see cref="Modules.Linear"/> declares OC x C.
/// </summary>
/// <example>
/// <code>
/// ParameterStore store = Gpt2Config.Small.Declare();
/// store.Materialize(seed: 0);
/// store.Load("gpt2/model.safetensors", Gpt2HubLayout.LoadOptions);
/// store.Save("finetuned.safetensors", transposed: Gpt2HubLayout.IsConv1DWeight);
/// </code>
/// </example>
public static class Gpt2HubLayout
{
    /// <summary>Strict loading of a Hub GPT-2 checkpoint: strips <c>transformer.</c> and transposes the Conv1D weights.</summary>
    public static CheckpointLoadOptions LoadOptions { get; } = new() { StripPrefix = "transformer.", Transposed = IsConv1DWeight };

    /// <summary>
    /// Whether <paramref name="name"/> is one of GPT-2's Conv1D weights, stored C x OC in Hugging Face checkpoints.
    /// Decided by name, not shape: <c>attn.c_proj</c> is square, so its shape cannot tell.
    /// </summary>
    /// <param name="name">A parameter name.</param>
    /// <returns>Whether the checkpoint stores it transposed.</returns>
    public static bool IsConv1DWeight(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.EndsWith("attn.c_attn.weight", StringComparison.Ordinal)
            || name.EndsWith("attn.c_proj.weight", StringComparison.Ordinal)
            || name.EndsWith("mlp.c_fc.weight", StringComparison.Ordinal)
            || name.EndsWith("mlp.c_proj.weight", StringComparison.Ordinal);
    }
}
