using ParameterKit.SafeTensors;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// How Hugging Face stores GPT-2 checkpoints, which the safetensors layer (knowing no architecture) is told through
/// <see cref="CheckpointLoadOptions"/>: names may carry a <c>transformer.</c> prefix, and the four Conv1D weights
/// per block (<c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>mlp.c_fc</c>, <c>mlp.c_proj</c>) are stored C x OC where
/// this library's <see cref="Modules.Linear"/> declares OC x C. Older checkpoints also store each block's causal
/// mask (<c>attn.bias</c>, <c>attn.masked_bias</c>): buffers, not parameters, though the name reads like a bias.
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
    /// <summary>The prefix Hugging Face's GPT-2 classes put before the blocks (<c>transformer.h.0...</c>) and this library's names drop.</summary>
    internal const string TransformerPrefix = "transformer.";

    /// <summary>Strict loading of a Hub GPT-2 checkpoint: strips <c>transformer.</c> and transposes the Conv1D weights.</summary>
    public static CheckpointLoadOptions LoadOptions { get; } = new() { StripPrefix = "transformer.", Transposed = IsConv1DWeight, IsBuffer = IsBuffer };

    /// <summary>
    /// Whether <paramref name="name"/> is one of GPT-2's stored buffers: a block's causal mask <c>h.{i}.attn.bias</c> or
    /// <c>h.{i}.attn.masked_bias</c> (with or without the <c>transformer.</c> prefix). Only GPT-2 knows this: in another
    /// architecture a module named <c>attn</c> may well have a real bias. Give it to
    /// <see cref="CheckpointCounter.Count(IEnumerable{SafeTensorInfo}, IReadOnlyDictionary{string, string}, Func{string, bool})"/>.
    /// </summary>
    /// <param name="name">A tensor name as stored.</param>
    /// <returns>Whether the tensor is a buffer.</returns>
    public static bool IsBuffer(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int lastDot = name.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return false;
        }
        ReadOnlySpan<char> leaf = name.AsSpan(lastDot + 1);
        int moduleStart = name.LastIndexOf('.', lastDot - 1) + 1;
        return name.AsSpan(moduleStart, lastDot - moduleStart) is "attn" && leaf is "bias" or "masked_bias";
    }

    /// <summary>
    /// Whether a checkpoint's tensor names are GPT-2's Hub layout: a token embedding <c>wte.weight</c> and fused
    /// attention <c>h.{i}.attn.c_attn.weight</c>, with or without the <c>transformer.</c> prefix. Tools that open a file
    /// of unknown origin (<c>parameterkit inspect</c>) use it to decide whether <see cref="IsBuffer"/> applies.
    /// </summary>
    /// <param name="tensorNames">Every tensor name of the checkpoint.</param>
    /// <returns>Whether the names follow GPT-2's layout.</returns>
    public static bool Recognizes(IEnumerable<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        bool embedding = false, attention = false;
        foreach (string name in tensorNames)
        {
            string unprefixed = name.StartsWith("transformer.", StringComparison.Ordinal) ? name["transformer.".Length..] : name;
            embedding |= unprefixed == "wte.weight";
            attention |= unprefixed.StartsWith("h.", StringComparison.Ordinal) && unprefixed.EndsWith(".attn.c_attn.weight", StringComparison.Ordinal);
        }
        return embedding && attention;
    }

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
