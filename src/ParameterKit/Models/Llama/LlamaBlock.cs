using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Transformers;

namespace ParameterKit.Models.Llama;

/// <summary>
/// One Llama decoder layer (Hugging Face's <c>LlamaDecoderLayer</c>): <c>r = x + self_attn(input_layernorm(x))</c>, then
/// <c>y = r + mlp(post_attention_layernorm(r))</c>, both norms RMSNorm.
/// </summary>
public sealed class LlamaBlock : Module
{
    /// <summary>Declares a layer.</summary>
    /// <param name="scope">Where the layer lives (<c>model.layers.0</c>).</param>
    /// <param name="config">The hyperparameters.</param>
    public LlamaBlock(ParameterScope scope, LlamaConfig config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        InputNorm = new RmsNorm(Scope.Scope("input_layernorm"), config.Hidden, config.RmsNormEpsilon);
        Attention = new LlamaAttention(Scope.Scope("self_attn"), config);
        PostAttentionNorm = new RmsNorm(Scope.Scope("post_attention_layernorm"), config.Hidden, config.RmsNormEpsilon);
        Mlp = new LlamaMlp(Scope.Scope("mlp"), config);
    }

    /// <summary><c>input_layernorm</c>, before attention.</summary>
    public RmsNorm InputNorm { get; }

    /// <summary><c>self_attn</c>.</summary>
    public LlamaAttention Attention { get; }

    /// <summary><c>post_attention_layernorm</c>, before the MLP.</summary>
    public RmsNorm PostAttentionNorm { get; }

    /// <summary><c>mlp</c>.</summary>
    public LlamaMlp Mlp { get; }

    /// <summary>Runs the layer on the residual rows <paramref name="x"/> (B·T x C) in place.</summary>
    internal void Forward(Span<float> x, int batch, int tokens, KvCache? cache, int layer, RotaryEmbedding rope, LlamaBuffers buffers)
    {
        int c = InputNorm.Channels, rows = batch * tokens;
        Span<float> norm = buffers.Norm.AsSpan(0, rows * c);
        InputNorm.Forward(x, norm, c);
        Attention.Forward(norm, x, batch, tokens, cache, layer, rope, buffers);
        PostAttentionNorm.Forward(x, norm, c);
        Mlp.Forward(norm, x, rows, buffers);
    }
}
