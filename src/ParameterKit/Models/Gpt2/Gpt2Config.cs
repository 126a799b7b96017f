using ParameterKit.Parameters;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// The hyperparameters of a GPT-2-layout decoder, named as in Hugging Face's <c>config.json</c>.
/// GPT-3 uses the same layout at a larger size, so it is described here too.
/// </summary>
/// <param name="VocabSize">V: vocabulary size (<c>vocab_size</c>).</param>
/// <param name="Positions">Context length, rows of the position table (<c>n_positions</c>).</param>
/// <param name="Channels">C: model width (<c>n_embd</c>).</param>
/// <param name="Layers">Number of transformer blocks (<c>n_layer</c>).</param>
/// <param name="Heads">Attention heads (<c>n_head</c>); C must divide evenly.</param>
/// <param name="LayerNormEpsilon">LayerNorm epsilon (<c>layer_norm_epsilon</c>).</param>
/// <param name="TieWordEmbeddings">Whether the output head <c>lm_head</c> reads the token embedding <c>wte.weight</c>
/// (<c>tie_word_embeddings</c>, true in every OpenAI checkpoint); when false the model declares its own V x C head,
/// loaded from the checkpoint's <c>lm_head.weight</c> and counted separately.</param>
public sealed record Gpt2Config(int VocabSize, int Positions, int Channels, int Layers, int Heads, float LayerNormEpsilon = 1e-5f, bool TieWordEmbeddings = true)
{
    /// <summary>gpt2 (124M): 12 layers, 12 heads, C = 768.</summary>
    public static Gpt2Config Small { get; } = new(50257, 1024, 768, 12, 12);

    /// <summary>The widest C whose MLP (4C) and fused attention (3C) widths are still 32-bit counts.</summary>
    internal const int MaxChannels = int.MaxValue / 4;

    /// <summary>gpt2-medium (355M): 24 layers, 16 heads, C = 1024.</summary>
    public static Gpt2Config Medium { get; } = new(50257, 1024, 1024, 24, 16);

    /// <summary>gpt2-large (774M): 36 layers, 20 heads, C = 1280.</summary>
    public static Gpt2Config Large { get; } = new(50257, 1024, 1280, 36, 20);

    /// <summary>gpt2-xl (1.5B): 48 layers, 25 heads, C = 1600.</summary>
    public static Gpt2Config XL { get; } = new(50257, 1024, 1600, 48, 25);

    /// <summary>GPT-3 175B from its paper: 96 layers, 96 heads, C = 12,288, context 2,048, GPT-2's vocabulary.</summary>
    public static Gpt2Config Gpt3 { get; } = new(50257, 2048, 12288, 96, 96);

    /// <summary>
    /// Declares the model — the real <see cref="Gpt2Model"/>, the same declaration that runs and loads checkpoints — in a new store, with Hugging Face's names (<c>wte.weight</c>, <c>h.0.attn.c_attn.weight</c>,
    /// ...) and the output head tied to <c>wte.weight</c> unless <see cref="TieWordEmbeddings"/> is false. Nothing is allocated but the declarations: building a module records names and shapes,
    /// and the model's scratch buffers grow on first use, so declaring GPT-3 175B allocates no values.
    /// </summary>
    /// <returns>An unmaterialized store holding the model.</returns>
    public ParameterStore Declare()
    {
        var store = new ParameterStore();
        _ = new Gpt2Model(store.Root, this);
        return store;
    }
}
