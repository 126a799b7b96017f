using System.Numerics.Tensors;
using ParameterKit.Modules;
using ParameterKit.Parameters;

using ParameterKit.Transformers;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// One pre-LayerNorm GPT-2 block: <c>r = x + attn(ln_1(x))</c>, then <c>y = r + mlp(ln_2(r))</c>. The names
/// (<c>ln_1</c>, <c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>ln_2</c>, <c>mlp.c_fc</c>, <c>mlp.c_proj</c>) are
/// Hugging Face's, so a block's parameters load from a Hub checkpoint unchanged.
/// </summary>
public sealed class Gpt2Block : Module
{
    private float[] _residualGradient = [];
    private float[] _normGradient = [];
    private float[] _branchGradient = [];

    /// <summary>Declares a block.</summary>
    /// <param name="scope">Where the block lives (<c>h.0</c>).</param>
    /// <param name="config">The hyperparameters (C, heads, LayerNorm epsilon).</param>
    public Gpt2Block(ParameterScope scope, Gpt2Config config)
        : base(scope)
    {
        ArgumentNullException.ThrowIfNull(config);
        int c = config.Channels;
        Norm1 = new LayerNorm(Scope.Scope("ln_1"), c, config.LayerNormEpsilon);
        Attention = new CausalSelfAttention(Scope.Scope("attn"), c, config.Heads);
        Norm2 = new LayerNorm(Scope.Scope("ln_2"), c, config.LayerNormEpsilon);
        Mlp = new Gpt2Mlp(Scope.Scope("mlp"), c);
    }

    /// <summary><c>ln_1</c>, before attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary><c>attn</c>.</summary>
    public CausalSelfAttention Attention { get; }

    /// <summary><c>ln_2</c>, before the MLP.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary><c>mlp</c>.</summary>
    public Gpt2Mlp Mlp { get; }

    /// <summary>C.</summary>
    public int Channels => Norm1.Channels;

    /// <summary>Runs the block on B sequences of T tokens, keeping what the backward pass needs in <paramref name="saved"/>.</summary>
    /// <param name="input">B·T x C rows of the residual stream.</param>
    /// <param name="output">B·T x C destination (may not overlap <paramref name="input"/>).</param>
    /// <param name="saved">Activations sized for this B and T.</param>
    /// <exception cref="Tensors.ShapeMismatchException">A span does not hold B·T rows of C.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Gpt2BlockActivations saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int n = saved.Batch * saved.Tokens * Channels;
        if (saved.Channels != Channels || input.Length != n || output.Length != n)
        {
            throw new Tensors.ShapeMismatchException(Path, new Tensors.Shape(saved.Batch * saved.Tokens, Channels), new Tensors.Shape(input.Length / Channels, Channels),
                $"input and output must be B·T = {saved.Batch * saved.Tokens} rows of C = {Channels} (input has {input.Length} values, output {output.Length}, activations C = {saved.Channels})");
        }
        Span<float> norm1 = saved.Norm1.AsSpan(0, n), residual = saved.Residual.AsSpan(0, n), norm2 = saved.Norm2.AsSpan(0, n);
        Norm1.Forward(input, norm1, Channels);
        input.CopyTo(residual);
        Attention.Forward(norm1, residual, saved);
        Norm2.Forward(residual, norm2, Channels);
        residual.CopyTo(output);
        Mlp.Forward(norm2, output, saved);
    }

    /// <summary>
    /// Back-propagates <see cref="Forward"/>: each residual connection passes the gradient straight through and adds the
    /// branch's, so dR = dY + ln_2ᵀ(mlpᵀ(dY)) and dX = dR + ln_1ᵀ(attnᵀ(dR)). Parameter gradients accumulate.
    /// </summary>
    /// <param name="input">The forward input.</param>
    /// <param name="outputGradient">dLoss/dOutput, B·T x C.</param>
    /// <param name="inputGradient">Receives dLoss/dInput; may be the same memory as <paramref name="outputGradient"/>.</param>
    /// <param name="saved">The activations of the forward pass.</param>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Gpt2BlockActivations saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int n = saved.Batch * saved.Tokens * Channels;
        CausalSelfAttention.Grow(ref _residualGradient, n);
        CausalSelfAttention.Grow(ref _normGradient, n);
        CausalSelfAttention.Grow(ref _branchGradient, n);
        Span<float> dResidual = _residualGradient.AsSpan(0, n), dNorm = _normGradient.AsSpan(0, n), dBranch = _branchGradient.AsSpan(0, n);
        outputGradient.CopyTo(dResidual);
        Mlp.Backward(saved.Norm2.AsSpan(0, n), outputGradient, dNorm, saved);
        Norm2.Backward(saved.Residual.AsSpan(0, n), dNorm, dBranch, Channels);
        TensorPrimitives.Add(dResidual, dBranch, dResidual);
        Attention.Backward(saved.Norm1.AsSpan(0, n), dResidual, dNorm, saved);
        Norm1.Backward(input, dNorm, inputGradient, Channels);
        TensorPrimitives.Add(inputGradient, dResidual, inputGradient);
    }

    /// <summary>The inference pass for new tokens of one sequence, updating the residual rows <paramref name="x"/> in place.</summary>
    internal void ForwardCached(Span<float> x, int rows, KvCache cache, int layer, Gpt2InferenceBuffers buffers)
    {
        Span<float> norm = buffers.Norm.AsSpan(0, rows * Channels);
        Norm1.Forward(x, norm, Channels);
        Attention.ForwardCached(norm, x, rows, cache, layer, buffers);
        Norm2.Forward(x, norm, Channels);
        Mlp.ForwardCached(norm, x, rows, buffers);
    }
}
