namespace ParameterKit.Models.Llama;

/// <summary>
/// Scratch for a forward pass, shared by every layer: a few rows per token, grown only when a call brings more rows or a
/// longer context than any call before it, so decoding steps allocate nothing once warm.
/// </summary>
internal sealed class LlamaBuffers(LlamaConfig config)
{
    private readonly int _channels = config.Hidden;
    private readonly int _queryWidth = config.Heads * config.ResolvedHeadDim;
    private readonly int _keyValueWidth = config.KeyValueHeads * config.ResolvedHeadDim;
    private readonly int _intermediate = config.Intermediate;
    private readonly int _half = config.ResolvedHeadDim / 2;
    private int _rows;

    /// <summary>The residual stream, rows x C.</summary>
    public float[] Residual { get; private set; } = [];

    /// <summary>An RMSNorm's output, rows x C.</summary>
    public float[] Norm { get; private set; } = [];

    /// <summary>Queries, rows x H·hd.</summary>
    public float[] Query { get; private set; } = [];

    /// <summary>Keys, rows x KV·hd.</summary>
    public float[] Key { get; private set; } = [];

    /// <summary>Values, rows x KV·hd.</summary>
    public float[] Value { get; private set; } = [];

    /// <summary>The heads' concatenated output before <c>o_proj</c>, rows x H·hd.</summary>
    public float[] Attended { get; private set; } = [];

    /// <summary>The gate projection, then SiLU(gate) · up, rows x I.</summary>
    public float[] Gate { get; private set; } = [];

    /// <summary>The up projection, rows x I.</summary>
    public float[] Up { get; private set; } = [];

    /// <summary>One head's attention probabilities, T x K.</summary>
    public float[] Scores { get; private set; } = [];

    /// <summary>cos of the rotary angles, T x hd/2.</summary>
    public float[] Cos { get; private set; } = [];

    /// <summary>sin of the rotary angles, T x hd/2.</summary>
    public float[] Sin { get; private set; } = [];

    /// <summary>Makes every buffer large enough for <paramref name="rows"/> rows, sequences of <paramref name="tokens"/> tokens attending to <paramref name="keys"/> positions.</summary>
    public void EnsureCapacity(int rows, int tokens, int keys)
    {
        if (_rows < rows)
        {
            Residual = new float[(long)rows * _channels];
            Norm = new float[(long)rows * _channels];
            Query = new float[(long)rows * _queryWidth];
            Key = new float[(long)rows * _keyValueWidth];
            Value = new float[(long)rows * _keyValueWidth];
            Attended = new float[(long)rows * _queryWidth];
            Gate = new float[(long)rows * _intermediate];
            Up = new float[(long)rows * _intermediate];
            _rows = rows;
        }
        if (Scores.Length < (long)tokens * keys)
        {
            Scores = new float[(long)tokens * keys];
        }
        if (Cos.Length < (long)tokens * _half)
        {
            Cos = new float[(long)tokens * _half];
            Sin = new float[(long)tokens * _half];
        }
    }
}
