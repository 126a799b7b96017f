using ParameterKit.Modules;
using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>
/// One Llama decoder layer: <c>input_layernorm</c>, <c>self_attn</c> with q/k/v/o projections (k and v have
/// KeyValueHeads · head_dim outputs under grouped-query attention), <c>post_attention_layernorm</c>, and the
/// gated MLP <c>gate_proj</c>, <c>up_proj</c> (C → I) and <c>down_proj</c> (I → C).
/// </summary>
public sealed class LlamaDecoderLayout : Module
{
    internal LlamaDecoderLayout(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        int c = config.Hidden, q = config.Heads * config.ResolvedHeadDim, kv = config.KeyValueHeads * config.ResolvedHeadDim;
        bool bias = config.AttentionBias;
        InputNorm = new RmsNorm(Scope.Scope("input_layernorm"), c, config.RmsNormEpsilon);
        var attention = Scope.Scope("self_attn");
        Query = new Linear(attention.Scope("q_proj"), c, q, bias);
        Key = new Linear(attention.Scope("k_proj"), c, kv, bias);
        Value = new Linear(attention.Scope("v_proj"), c, kv, bias);
        Output = new Linear(attention.Scope("o_proj"), q, c, bias);
        PostAttentionNorm = new RmsNorm(Scope.Scope("post_attention_layernorm"), c, config.RmsNormEpsilon);
        var mlp = Scope.Scope("mlp");
        Gate = new Linear(mlp.Scope("gate_proj"), c, config.Intermediate, bias: false);
        Up = new Linear(mlp.Scope("up_proj"), c, config.Intermediate, bias: false);
        Down = new Linear(mlp.Scope("down_proj"), config.Intermediate, c, bias: false);
    }

    /// <summary><c>input_layernorm</c>.</summary>
    public RmsNorm InputNorm { get; }

    /// <summary><c>self_attn.q_proj</c>.</summary>
    public Linear Query { get; }

    /// <summary><c>self_attn.k_proj</c>.</summary>
    public Linear Key { get; }

    /// <summary><c>self_attn.v_proj</c>.</summary>
    public Linear Value { get; }

    /// <summary><c>self_attn.o_proj</c>.</summary>
    public Linear Output { get; }

    /// <summary><c>post_attention_layernorm</c>.</summary>
    public RmsNorm PostAttentionNorm { get; }

    /// <summary><c>mlp.gate_proj</c>.</summary>
    public Linear Gate { get; }

    /// <summary><c>mlp.up_proj</c>.</summary>
    public Linear Up { get; }

    /// <summary><c>mlp.down_proj</c>.</summary>
    public Linear Down { get; }
}
