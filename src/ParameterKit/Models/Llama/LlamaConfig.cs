using ParameterKit.Parameters;

namespace ParameterKit.Models.Llama;

/// <summary>
/// The hyperparameters of a Llama-family decoder (Llama 2 / 3, Mistral, Qwen2, SmolLM2, TinyLlama), named as in Hugging
/// Face's <c>config.json</c>: RMSNorm, rotary positions, grouped-query attention and a SiLU-gated MLP.
/// </summary>
/// <remarks>
/// The positional parameters decide the parameter count; the init-only properties (<see cref="ModelType"/>,
/// <see cref="ContextLength"/>, <see cref="RopeTheta"/>, <see cref="RopeScaling"/>, <see cref="MlpBias"/>) complete the
/// forward pass. <see cref="LlamaConfigJson"/> is the one reader of a <c>config.json</c>; the named configurations
/// below are the published models' settings.
/// </remarks>
/// <param name="VocabSize">V (<c>vocab_size</c>).</param>
/// <param name="Hidden">C (<c>hidden_size</c>).</param>
/// <param name="Intermediate">The MLP width I (<c>intermediate_size</c>).</param>
/// <param name="Layers">Decoder layers (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">Query heads H (<c>num_attention_heads</c>).</param>
/// <param name="KeyValueHeads">Key/value heads (<c>num_key_value_heads</c>): H without grouped-query attention, a divisor of H with it.</param>
/// <param name="TieEmbeddings">Whether <c>lm_head</c> reads <c>model.embed_tokens.weight</c> (<c>tie_word_embeddings</c>).</param>
/// <param name="RmsNormEpsilon">RMSNorm epsilon (<c>rms_norm_eps</c>).</param>
/// <param name="AttentionBias">Llama's <c>attention_bias</c>: q, k, v and o projections all carry biases. (Qwen2's q/k/v-only biases come from <see cref="ModelType"/>.)</param>
/// <param name="HeadDim">Per-head width (<c>head_dim</c>); C / H when zero.</param>
public sealed record LlamaConfig(
    int VocabSize, int Hidden, int Intermediate, int Layers, int Heads, int KeyValueHeads,
    bool TieEmbeddings = false, float RmsNormEpsilon = 1e-5f, bool AttentionBias = false, int HeadDim = 0)
{
    /// <summary><c>model_type</c>: <c>llama</c> (the default), <c>mistral</c> or <c>qwen2</c>. Qwen2 always has q/k/v biases and no o bias.</summary>
    public string ModelType { get; init; } = "llama";

    /// <summary>The most positions a sequence may hold: <c>max_position_embeddings</c>, or a shorter <c>sliding_window</c>
    /// (within the window, sliding-window attention and full attention are the same computation).</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>The rotary base θ (<c>rope_theta</c>): pair i of a head rotates by position · θ^(−2i/head_dim).</summary>
    public double RopeTheta { get; init; } = 10000;

    /// <summary><c>rope_scaling</c>, or <see langword="null"/> for plain rotary positions.</summary>
    public LlamaRopeScaling? RopeScaling { get; init; }

    /// <summary><c>mlp_bias</c>: whether gate, up and down projections carry biases.</summary>
    public bool MlpBias { get; init; }

    /// <summary>The per-head width actually used: <see cref="HeadDim"/>, or C / H when that is zero.</summary>
    public int ResolvedHeadDim => HeadDim > 0 ? HeadDim : Hidden / Math.Max(Heads, 1);

    /// <summary>Whether q, k and v carry biases: Llama's <see cref="AttentionBias"/>, or always for Qwen2.</summary>
    public bool QueryKeyValueBias => AttentionBias || ModelType == "qwen2";

    /// <summary>Whether o carries a bias: Llama's <see cref="AttentionBias"/> (never for Qwen2).</summary>
    public bool OutputBias => AttentionBias && ModelType != "qwen2";

    /// <summary>Llama-2-7B: 32 layers, C = 4,096, MLP 11,008, vocabulary 32,000.</summary>
    public static LlamaConfig Llama2With7B { get; } = new(32000, 4096, 11008, 32, 32, 32);

    /// <summary>Llama-2-13B: 40 layers, C = 5,120, MLP 13,824.</summary>
    public static LlamaConfig Llama2With13B { get; } = new(32000, 5120, 13824, 40, 40, 40);

    /// <summary>Llama-2-70B: 80 layers, C = 8,192, MLP 28,672, 8 key/value heads.</summary>
    public static LlamaConfig Llama2With70B { get; } = new(32000, 8192, 28672, 80, 64, 8);

    /// <summary>Meta-Llama-3-8B: 32 layers, C = 4,096, MLP 14,336, 8 key/value heads, vocabulary 128,256, θ = 500,000.</summary>
    public static LlamaConfig Llama3With8B { get; } = new(128256, 4096, 14336, 32, 32, 8) { ContextLength = 8192, RopeTheta = 500000 };

    /// <summary>Meta-Llama-3-70B: 80 layers, C = 8,192, MLP 28,672, 64 heads, 8 key/value heads.</summary>
    public static LlamaConfig Llama3With70B { get; } = new(128256, 8192, 28672, 80, 64, 8) { ContextLength = 8192, RopeTheta = 500000 };

    /// <summary>Llama-3.1-8B: Llama-3-8B's shape with a 131,072-token context by llama3 rope scaling (factor 8).</summary>
    public static LlamaConfig Llama31With8B { get; } = Llama3With8B with { ContextLength = 131072, RopeScaling = LlamaRopeScaling.Llama3(8) };

    /// <summary>Llama-3.1-70B: Llama-3-70B's shape with a 131,072-token context by llama3 rope scaling (factor 8).</summary>
    public static LlamaConfig Llama31With70B { get; } = Llama3With70B with { ContextLength = 131072, RopeScaling = LlamaRopeScaling.Llama3(8) };

    /// <summary>Llama-3.2-3B: 28 layers, C = 3,072, MLP 8,192, 24 heads, 8 key/value heads, tied head, llama3 rope scaling (factor 32).</summary>
    public static LlamaConfig Llama32With3B { get; } = new(128256, 3072, 8192, 28, 24, 8, TieEmbeddings: true, HeadDim: 128)
    {
        ContextLength = 131072, RopeTheta = 500000, RopeScaling = LlamaRopeScaling.Llama3(32),
    };

    /// <summary>Llama-3.2-1B: 16 layers, C = 2,048, MLP 8,192, 8 key/value heads, tied head, llama3 rope scaling (factor 32).</summary>
    public static LlamaConfig Llama32With1B { get; } = new(128256, 2048, 8192, 16, 32, 8, TieEmbeddings: true, HeadDim: 64)
    {
        ContextLength = 131072, RopeTheta = 500000, RopeScaling = LlamaRopeScaling.Llama3(32),
    };

    /// <summary>TinyLlama-1.1B (v1.0): 22 layers, C = 2,048, MLP 5,632, 4 key/value heads, context 2,048.</summary>
    public static LlamaConfig TinyLlama { get; } = new(32000, 2048, 5632, 22, 32, 4) { ContextLength = 2048 };

    /// <summary>SmolLM2-135M: 30 layers, C = 576, MLP 1,536, 9 heads, 3 key/value heads, tied head, θ = 100,000.</summary>
    public static LlamaConfig SmolLM2With135M { get; } = new(49152, 576, 1536, 30, 9, 3, TieEmbeddings: true) { ContextLength = 8192, RopeTheta = 100000 };

    /// <summary>SmolLM2-360M: 32 layers, C = 960, MLP 2,560, 15 heads, 5 key/value heads, tied head, θ = 100,000.</summary>
    public static LlamaConfig SmolLM2With360M { get; } = new(49152, 960, 2560, 32, 15, 5, TieEmbeddings: true) { ContextLength = 8192, RopeTheta = 100000 };

    /// <summary>SmolLM2-1.7B: 24 layers, C = 2,048, MLP 8,192, 32 heads (no grouping), tied head, θ = 130,000.</summary>
    public static LlamaConfig SmolLM2With1700M { get; } = new(49152, 2048, 8192, 24, 32, 32, TieEmbeddings: true) { ContextLength = 8192, RopeTheta = 130000 };

    /// <summary>Qwen2.5-0.5B: 24 layers, C = 896, MLP 4,864, 14 heads, 2 key/value heads, q/k/v biases, tied head, θ = 1,000,000.</summary>
    public static LlamaConfig Qwen25With05B { get; } = new(151936, 896, 4864, 24, 14, 2, TieEmbeddings: true, RmsNormEpsilon: 1e-6f)
    {
        ModelType = "qwen2", ContextLength = 32768, RopeTheta = 1000000,
    };

    /// <summary>Qwen2.5-7B (the base model): 28 layers, C = 3,584, MLP 18,944, 28 heads, 4 key/value heads, q/k/v biases, untied head, vocabulary 152,064.</summary>
    public static LlamaConfig Qwen25With7B { get; } = new(152064, 3584, 18944, 28, 28, 4, RmsNormEpsilon: 1e-6f)
    {
        ModelType = "qwen2", ContextLength = 131072, RopeTheta = 1000000,
    };

    /// <summary>Mistral-7B-v0.1: 32 layers, C = 4,096, MLP 14,336, 8 key/value heads; its 4,096-token sliding window caps the context at 4,096.</summary>
    public static LlamaConfig Mistral7B { get; } = new(32000, 4096, 14336, 32, 32, 8) { ModelType = "mistral", ContextLength = 4096 };

    /// <summary>
    /// Declares the model — the real <see cref="LlamaModel"/>, the declaration that runs and loads checkpoints — in a new
    /// store with Hugging Face's names (<c>model.layers.0.self_attn.q_proj.weight</c>, ...). Only names and shapes are
    /// recorded, so declaring Llama-3 70B allocates no values.
    /// </summary>
    /// <returns>An unmaterialized store holding the model.</returns>
    public ParameterStore Declare()
    {
        var store = new ParameterStore();
        _ = new LlamaModel(store.Root, this);
        return store;
    }
}
