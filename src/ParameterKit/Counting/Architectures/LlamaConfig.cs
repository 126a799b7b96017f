using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>
/// The hyperparameters of a Llama-style decoder (RMSNorm, grouped-query attention, gated SwiGLU MLP, no
/// biases), named as in Hugging Face's <c>config.json</c>. Mistral uses the same layout.
/// </summary>
/// <param name="VocabSize">V (<c>vocab_size</c>).</param>
/// <param name="Hidden">C (<c>hidden_size</c>).</param>
/// <param name="Intermediate">MLP width (<c>intermediate_size</c>).</param>
/// <param name="Layers">Decoder layers (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">Query heads (<c>num_attention_heads</c>).</param>
/// <param name="KeyValueHeads">Key/value heads (<c>num_key_value_heads</c>; equal to Heads without grouped-query attention).</param>
/// <param name="TieEmbeddings">Whether <c>lm_head</c> shares <c>embed_tokens</c> (<c>tie_word_embeddings</c>).</param>
/// <param name="RmsNormEpsilon">RMSNorm epsilon (<c>rms_norm_eps</c>).</param>
/// <param name="AttentionBias">Whether the q/k/v/o projections have biases (<c>attention_bias</c>).</param>
/// <param name="HeadDim">Per-head width (<c>head_dim</c>); Hidden / Heads when zero.</param>
public sealed record LlamaConfig(
    int VocabSize, int Hidden, int Intermediate, int Layers, int Heads, int KeyValueHeads,
    bool TieEmbeddings = false, float RmsNormEpsilon = 1e-5f, bool AttentionBias = false, int HeadDim = 0)
{
    /// <summary>Llama-2-7B: 32 layers, C = 4,096, MLP 11,008, vocabulary 32,000.</summary>
    public static LlamaConfig Llama2With7B { get; } = new(32000, 4096, 11008, 32, 32, 32);

    /// <summary>Llama-2-13B: 40 layers, C = 5,120, MLP 13,824.</summary>
    public static LlamaConfig Llama2With13B { get; } = new(32000, 5120, 13824, 40, 40, 40);

    /// <summary>Llama-2-70B: 80 layers, C = 8,192, MLP 28,672, 8 key/value heads.</summary>
    public static LlamaConfig Llama2With70B { get; } = new(32000, 8192, 28672, 80, 64, 8);

    /// <summary>The per-head width actually used.</summary>
    public int ResolvedHeadDim => HeadDim > 0 ? HeadDim : Hidden / Math.Max(Heads, 1);

    /// <summary>Declares the model in a new store with Hugging Face's names (<c>model.layers.0.self_attn.q_proj.weight</c>, ...).</summary>
    /// <returns>An unmaterialized store holding the model.</returns>
    public ParameterStore Declare()
    {
        var store = new ParameterStore();
        _ = new LlamaLayout(store.Root, this);
        return store;
    }
}
