using ParameterKit.Kernels;
using ParameterKit.Kernels.Numerics;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// GPT-2's position-wise MLP: <c>y += GELU(x·W_fcᵀ + b_fc)·W_projᵀ + b_proj</c>, with <c>c_fc</c> (4C x C),
/// the tanh approximation of GELU, and <c>c_proj</c> (C x 4C). Accumulates into the caller's residual stream.
/// </summary>
public sealed class Gpt2Mlp : Module
{
    private float[] _activatedGradient = [];

    /// <summary>Declares <c>{path}.c_fc</c> and <c>{path}.c_proj</c>.</summary>
    /// <param name="scope">Where the module lives (<c>h.0.mlp</c>).</param>
    /// <param name="channels">C.</param>
    public Gpt2Mlp(ParameterScope scope, int channels)
        : base(scope)
    {
        Expand = new Linear(Scope.Scope("c_fc"), channels, 4 * channels);
        Project = new Linear(Scope.Scope("c_proj"), 4 * channels, channels);
    }

    /// <summary><c>c_fc</c>: C → 4C.</summary>
    public Linear Expand { get; }

    /// <summary><c>c_proj</c>: 4C → C.</summary>
    public Linear Project { get; }

    /// <summary>Adds the MLP of every row of <paramref name="input"/> to <paramref name="output"/>, keeping the hidden layer in <paramref name="saved"/>.</summary>
    /// <param name="input">B·T x C (the output of <c>ln_2</c>).</param>
    /// <param name="output">B·T x C rows receiving <c>+= mlp(input)</c>.</param>
    /// <param name="saved">Activations sized for this B and T.</param>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Gpt2BlockActivations saved)
    {
        int c = Expand.InChannels, rows = CheckRows(input, output, saved);
        Span<float> hidden = saved.Hidden.AsSpan(0, rows * 4 * c);
        Span<float> activated = saved.Activated.AsSpan(0, rows * 4 * c);
        Expand.Forward(input, hidden, c);
        // The GELU the inference pass fuses into c_fc's epilogue: training and generation agree bit for bit.
        GeluTanh.Forward(hidden, activated);
        ProjectInto(activated, output, rows);
    }

    /// <summary>Back-propagates <see cref="Forward"/>: accumulates the gradients of <c>c_fc</c> and <c>c_proj</c> and writes dLoss/dInput.</summary>
    /// <param name="input">The forward input.</param>
    /// <param name="outputGradient">dLoss/d(MLP output), B·T x C.</param>
    /// <param name="inputGradient">Receives dLoss/dInput, B·T x C.</param>
    /// <param name="saved">The activations of the forward pass.</param>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Gpt2BlockActivations saved)
    {
        int c = Expand.InChannels, rows = CheckRows(input, outputGradient, saved), wide = rows * 4 * c;
        CausalSelfAttention.Grow(ref _activatedGradient, wide);
        Span<float> dActivated = _activatedGradient.AsSpan(0, wide);
        Project.Backward(saved.Activated.AsSpan(0, wide), outputGradient, dActivated, 4 * c);
        // GELU's backward may write over its own output gradient: dHidden reuses dActivated's memory.
        GeluTanh.Backward(saved.Hidden.AsSpan(0, wide), dActivated, dActivated);
        Expand.Backward(input, dActivated, inputGradient, c);
    }

    /// <summary>The inference pass: GELU fused into <c>c_fc</c>'s GEMM epilogue, and <c>c_proj</c> added into the residual stream.</summary>
    internal void ForwardCached(ReadOnlySpan<float> input, Span<float> output, int rows, Gpt2InferenceBuffers buffers)
    {
        int c = Expand.InChannels;
        Span<float> hidden = buffers.Hidden.AsSpan(0, rows * 4 * c);
        Expand.Forward(input[..(rows * c)], hidden, c, accumulate: false, GemmActivation.GeluTanh);
        ProjectInto(hidden, output, rows);
    }

    private int CheckRows(ReadOnlySpan<float> input, ReadOnlySpan<float> output, Gpt2BlockActivations saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int c = Expand.InChannels, rows = saved.Batch * saved.Tokens;
        if (saved.Channels != c || input.Length != rows * c || output.Length != rows * c)
        {
            throw new ShapeMismatchException(Path, new Shape(rows, c), new Shape(input.Length / Math.Max(c, 1), c),
                $"input and output must be B·T = {rows} rows of C = {c} (input has {input.Length} values, output {output.Length}, activations C = {saved.Channels})");
        }
        return rows;
    }

    private void ProjectInto(ReadOnlySpan<float> activated, Span<float> output, int rows)
    {
        int c = Expand.InChannels;
        Project.Forward(activated[..(rows * 4 * c)], output[..(rows * c)], 4 * c, accumulate: true);
    }
}
