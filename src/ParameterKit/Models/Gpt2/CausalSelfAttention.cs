using ParameterKit.Kernels;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Tensors;

using ParameterKit.Transformers;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// GPT-2's causal multi-head self-attention: one fused projection <c>c_attn</c> (3C x C) makes queries, keys
/// and values, each token attends to itself and the tokens before it, and <c>c_proj</c> (C x C) mixes the heads.
/// </summary>
/// <remarks>
/// For input rows x (rows = B·T, width C) and H heads of width hs = C/H:
/// <c>[Q K V] = x·W_attnᵀ + b_attn</c>, per head <c>O_h = softmax(Q_h·K_hᵀ/√hs + mask)·V_h</c> with the causal mask
/// (−∞ above the diagonal), and <c>y += concat(O_1..O_H)·W_projᵀ + b_proj</c>. The output is accumulated so the
/// caller's residual stream receives the attention in place (x + attn(ln_1(x)) in one pass).
/// </remarks>
public sealed class CausalSelfAttention : Module
{
    private float[] _attendedGradient = [];
    private float[] _qkvGradient = [];
    private float[] _scoresGradient = [];

    /// <summary>Declares <c>{path}.c_attn</c> (3C x C weight, 3C bias) and <c>{path}.c_proj</c> (C x C, C).</summary>
    /// <param name="scope">Where the module lives (<c>h.0.attn</c>).</param>
    /// <param name="channels">C.</param>
    /// <param name="heads">H; must divide C.</param>
    /// <exception cref="InvalidShapeException">C is not a positive multiple of H.</exception>
    public CausalSelfAttention(ParameterScope scope, int channels, int heads)
        : base(scope)
    {
        if (heads <= 0 || channels <= 0 || channels % heads != 0)
        {
            throw new InvalidShapeException(scope.Path, [channels, heads], $"n_embd {channels} must be a positive multiple of n_head {heads}");
        }
        Heads = heads;
        QueryKeyValue = new Linear(Scope.Scope("c_attn"), channels, 3 * channels);
        Projection = new Linear(Scope.Scope("c_proj"), channels, channels);
    }

    /// <summary><c>c_attn</c>: C → 3C, queries, keys and values side by side in each output row.</summary>
    public Linear QueryKeyValue { get; }

    /// <summary><c>c_proj</c>: C → C.</summary>
    public Linear Projection { get; }

    /// <summary>H: number of heads.</summary>
    public int Heads { get; }

    /// <summary>C.</summary>
    public int Channels => Projection.OutChannels;

    /// <summary>hs = C / H.</summary>
    public int HeadSize => Channels / Heads;

    /// <summary>
    /// Adds the attention of B sequences of T tokens to <paramref name="output"/>, keeping QKV, the probabilities and the
    /// heads' output in <paramref name="saved"/> for <see cref="Backward"/>.
    /// </summary>
    /// <param name="input">B·T x C rows (the output of <c>ln_1</c>).</param>
    /// <param name="output">B·T x C rows that receive <c>+= attention(input)</c>.</param>
    /// <param name="saved">Activations sized for this B and T.</param>
    /// <exception cref="ShapeMismatchException">A span does not hold B·T rows of C.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Gpt2BlockActivations saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int rows = CheckRows(input, output, saved);
        int c = Channels, t = saved.Tokens, c3 = 3 * c;
        Span<float> qkv = saved.QueryKeyValue.AsSpan(0, rows * c3);
        Span<float> attended = saved.Attended.AsSpan(0, rows * c);
        QueryKeyValue.Forward(input, qkv, c);
        for (int b = 0; b < saved.Batch; b++)
        {
            Span<float> sequence = qkv.Slice(b * t * c3, t * c3);
            CausalAttentionKernel.Forward(sequence, c3, sequence[c..], c3, sequence[(2 * c)..], c3,
                attended.Slice(b * t * c, t * c), c, t, 0, Heads, HeadSize, saved.Probabilities.AsSpan(b * Heads * t * t, Heads * t * t));
        }
        Project(attended, output, rows);
    }

    /// <summary>
    /// Back-propagates <see cref="Forward"/>: accumulates the gradients of <c>c_attn</c> and <c>c_proj</c> and writes
    /// dLoss/dInput.
    /// </summary>
    /// <param name="input">The forward input.</param>
    /// <param name="outputGradient">dLoss/d(attention output), B·T x C.</param>
    /// <param name="inputGradient">Receives dLoss/dInput, B·T x C.</param>
    /// <param name="saved">The activations of the forward pass.</param>
    /// <exception cref="ShapeMismatchException">A span does not hold B·T rows of C.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Gpt2BlockActivations saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        int rows = CheckRows(input, outputGradient, saved);
        int c = Channels, t = saved.Tokens, c3 = 3 * c;
        Grow(ref _attendedGradient, rows * c);
        Grow(ref _qkvGradient, rows * c3);
        Grow(ref _scoresGradient, t * t);
        Span<float> dAttended = _attendedGradient.AsSpan(0, rows * c);
        Span<float> dQkv = _qkvGradient.AsSpan(0, rows * c3);
        Projection.Backward(saved.Attended.AsSpan(0, rows * c), outputGradient, dAttended, c);
        ReadOnlySpan<float> qkv = saved.QueryKeyValue.AsSpan(0, rows * c3);
        for (int b = 0; b < saved.Batch; b++)
        {
            ReadOnlySpan<float> sequence = qkv.Slice(b * t * c3, t * c3);
            Span<float> dSequence = dQkv.Slice(b * t * c3, t * c3);
            CausalAttentionKernel.Backward(sequence, c3, sequence[c..], c3, sequence[(2 * c)..], c3,
                saved.Probabilities.AsSpan(b * Heads * t * t, Heads * t * t), dAttended.Slice(b * t * c, t * c), c,
                dSequence, dSequence[c..], dSequence[(2 * c)..], c3, t, Heads, HeadSize, _scoresGradient);
        }
        QueryKeyValue.Backward(input, dQkv, inputGradient, c);
    }

    /// <summary>
    /// Adds the attention of <paramref name="tokens"/> new tokens of one sequence to <paramref name="output"/>, attending
    /// to the positions already in <paramref name="cache"/> and appending the new keys and values to it (the caller
    /// advances the cache after the last layer).
    /// </summary>
    internal void ForwardCached(ReadOnlySpan<float> input, Span<float> output, int tokens, KvCache cache, int layer, Gpt2InferenceBuffers buffers)
    {
        int c = Channels, c3 = 3 * c, start = cache.Length, keys = start + tokens;
        Span<float> qkv = buffers.QueryKeyValue.AsSpan(0, tokens * c3);
        Span<float> attended = buffers.Attended.AsSpan(0, tokens * c);
        QueryKeyValue.Forward(input, qkv, c);
        Span<float> cachedKeys = cache.Keys(layer), cachedValues = cache.Values(layer);
        for (int i = 0; i < tokens; i++)
        {
            Span<float> row = qkv.Slice(i * c3, c3);
            row.Slice(c, c).CopyTo(cachedKeys.Slice((start + i) * c, c));
            row.Slice(2 * c, c).CopyTo(cachedValues.Slice((start + i) * c, c));
        }
        CausalAttentionKernel.Forward(qkv, c3, cachedKeys, c, cachedValues, c, attended, c, tokens, start, Heads, HeadSize,
            buffers.Scores.AsSpan(0, Heads * tokens * keys));
        Project(attended, output, tokens);
    }

    /// <summary>output += attended·W_projᵀ + b_proj: the layer accumulates into the residual stream within its GEMM.</summary>
    private void Project(ReadOnlySpan<float> attended, Span<float> output, int rows) =>
        Projection.Forward(attended[..(rows * Channels)], output[..(rows * Channels)], Channels, accumulate: true);

    private int CheckRows(ReadOnlySpan<float> input, ReadOnlySpan<float> output, Gpt2BlockActivations saved)
    {
        int rows = saved.Batch * saved.Tokens;
        if (saved.Channels != Channels || input.Length != rows * Channels || output.Length != rows * Channels)
        {
            throw new ShapeMismatchException(Path, new Shape(rows, Channels), new Shape(input.Length / Math.Max(Channels, 1), Channels),
                $"input and output must be B·T = {rows} rows of C = {Channels} (input has {input.Length} values, output {output.Length}, activations C = {saved.Channels})");
        }
        return rows;
    }

    internal static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
