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

    /// <summary>
    /// Runs the layer from <paramref name="input"/> to <paramref name="output"/> (B·T x C each). Training passes three
    /// distinct buffers (the input, <c>saved.Middle</c> and the output) so the backward pass finds each residual stream;
    /// inference passes one buffer three times and updates it in place.
    /// </summary>
    internal void Forward(Span<float> input, Span<float> middle, Span<float> output, int batch, int tokens, KvCache? cache, int layer,
        RotaryEmbedding rope, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, LlamaActivations saved)
    {
        int c = InputNorm.Channels, rows = batch * tokens;
        Span<float> norm1 = saved.Norm1.AsSpan(0, rows * c), norm2 = saved.Norm2.AsSpan(0, rows * c);
        InputNorm.Forward(input, norm1, c);
        if (!input.Overlaps(middle))
        {
            input.CopyTo(middle);
        }
        Attention.Forward(norm1, middle, batch, tokens, cache, layer, rope, cos, sin, saved);
        PostAttentionNorm.Forward(middle, norm2, c);
        if (!middle.Overlaps(output))
        {
            middle.CopyTo(output);
        }
        Mlp.Forward(norm2, output, rows, saved);
    }

    /// <summary>
    /// Back-propagates a training <see cref="Forward"/>: each residual connection passes the gradient straight through and
    /// adds its branch's, so dM = dY + normᵀ₂(mlpᵀ(dY)) and dX = dM + normᵀ₁(attnᵀ(dM)). Parameter gradients accumulate;
    /// <paramref name="inputGradient"/> may be the same memory as <paramref name="outputGradient"/>.
    /// </summary>
    internal void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batch, int tokens,
        RotaryEmbedding rope, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, LlamaActivations saved, LlamaGradients scratch)
    {
        int c = InputNorm.Channels, rows = batch * tokens, n = rows * c;
        Span<float> dMiddle = scratch.Middle.AsSpan(0, n), dNorm = scratch.Norm.AsSpan(0, n), term = scratch.Term.AsSpan(0, n);
        outputGradient.CopyTo(dMiddle);
        Mlp.Backward(saved.Norm2.AsSpan(0, n), outputGradient, dNorm, rows, saved, scratch);
        PostAttentionNorm.Backward(saved.Middle.AsSpan(0, n), dNorm, term, c);
        System.Numerics.Tensors.TensorPrimitives.Add(dMiddle, term, dMiddle);
        Attention.Backward(saved.Norm1.AsSpan(0, n), dMiddle, dNorm, batch, tokens, rope, cos, sin, saved, scratch);
        InputNorm.Backward(input, dNorm, inputGradient, c);
        System.Numerics.Tensors.TensorPrimitives.Add(inputGradient, dMiddle, inputGradient);
    }
}
