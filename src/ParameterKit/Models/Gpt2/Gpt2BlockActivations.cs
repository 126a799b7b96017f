namespace ParameterKit.Models.Gpt2;

/// <summary>
/// What one <see cref="Gpt2Block"/> keeps from its forward pass for its backward pass, for B sequences of T tokens
/// (llm.c's layout: the caller owns activations, so a layer holds no hidden state and steady-state training
/// allocates nothing).
/// </summary>
/// <remarks>
/// Rows = B·T. Held: <c>ln_1</c>'s output (rows x C), the fused QKV projection (rows x 3C), the attention
/// probabilities (B x heads x T x T), the heads' concatenated output before <c>c_proj</c> (rows x C), the residual
/// stream after attention (rows x C), <c>ln_2</c>'s output (rows x C), and the MLP's hidden layer before and after
/// GELU (rows x 4C each).
/// </remarks>
public sealed class Gpt2BlockActivations
{
    /// <summary>Allocates the buffers for <paramref name="batch"/> sequences of <paramref name="tokens"/> tokens.</summary>
    /// <param name="batch">B.</param>
    /// <param name="tokens">T.</param>
    /// <param name="channels">C.</param>
    /// <param name="heads">Number of attention heads.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Gpt2BlockActivations(int batch, int tokens, int channels, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        Batch = batch;
        Tokens = tokens;
        Capacity = (batch, tokens);
        Channels = channels;
        Heads = heads;
        int rows = batch * tokens;
        Norm1 = new float[rows * channels];
        QueryKeyValue = new float[rows * 3 * channels];
        Probabilities = new float[(long)batch * heads * tokens * tokens];
        Attended = new float[rows * channels];
        Residual = new float[rows * channels];
        Norm2 = new float[rows * channels];
        Hidden = new float[rows * 4 * channels];
        Activated = new float[rows * 4 * channels];
    }

    /// <summary>B.</summary>
    public int Batch { get; private set; }

    /// <summary>T.</summary>
    public int Tokens { get; private set; }

    /// <summary>
    /// Reuses the buffers for B' x T' when they are large enough (every buffer is used from its start, and the
    /// probabilities are laid out B' x heads x T' x T', which needs no more room than the B x heads x T x T allocated
    /// when B'·T' ≤ B·T and B'·T'² ≤ B·T²).
    /// </summary>
    /// <returns>Whether the buffers fit; when false nothing changed.</returns>
    internal bool TryResize(int batch, int tokens)
    {
        if ((long)batch * tokens * Channels > Norm1.Length || (long)batch * Heads * tokens * tokens > Probabilities.LongLength)
        {
            return false;
        }
        Batch = batch;
        Tokens = tokens;
        return true;
    }

    /// <summary>C.</summary>
    public int Channels { get; }

    /// <summary>The B and T the buffers were allocated for.</summary>
    internal (int Batch, int Tokens) Capacity { get; }

    /// <summary>Number of attention heads.</summary>
    public int Heads { get; }

    internal float[] Norm1 { get; }

    internal float[] QueryKeyValue { get; }

    internal float[] Probabilities { get; }

    internal float[] Attended { get; }

    internal float[] Residual { get; }

    internal float[] Norm2 { get; }

    internal float[] Hidden { get; }

    internal float[] Activated { get; }
}
