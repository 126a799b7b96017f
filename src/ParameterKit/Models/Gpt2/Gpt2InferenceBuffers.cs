namespace ParameterKit.Models.Gpt2;

/// <summary>
/// Scratch for the cached (inference) forward pass of one sequence: a few rows per new token, reused by every
/// layer, grown only when a call brings more tokens or a longer context than any call before it, so decoding
/// steps allocate nothing.
/// </summary>
internal sealed class Gpt2InferenceBuffers
{
    private readonly int _channels;
    private readonly int _heads;

    public Gpt2InferenceBuffers(int channels, int heads)
    {
        _channels = channels;
        _heads = heads;
    }

    /// <summary>The residual stream, T x C.</summary>
    public float[] Residual { get; private set; } = [];

    /// <summary>A LayerNorm's output, T x C.</summary>
    public float[] Norm { get; private set; } = [];

    /// <summary>Fused QKV rows, T x 3C.</summary>
    public float[] QueryKeyValue { get; private set; } = [];

    /// <summary>Attention probabilities, heads x T x K.</summary>
    public float[] Scores { get; private set; } = [];

    /// <summary>The heads' concatenated output, T x C.</summary>
    public float[] Attended { get; private set; } = [];

    /// <summary>The MLP's activated hidden layer, T x 4C.</summary>
    public float[] Hidden { get; private set; } = [];

    /// <summary>Makes every buffer large enough for <paramref name="tokens"/> new tokens attending to <paramref name="keys"/> positions.</summary>
    public void EnsureCapacity(int tokens, int keys)
    {
        int c = _channels;
        if (Residual.Length < tokens * c)
        {
            Residual = new float[tokens * c];
            Norm = new float[tokens * c];
            QueryKeyValue = new float[tokens * 3 * c];
            Attended = new float[tokens * c];
            Hidden = new float[tokens * 4 * c];
        }
        if (Scores.Length < (long)_heads * tokens * keys)
        {
            Scores = new float[_heads * tokens * keys];
        }
    }
}
