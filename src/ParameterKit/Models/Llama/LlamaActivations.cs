namespace ParameterKit.Models.Llama;

/// <summary>
/// What one layer computes on its way through a forward pass, in caller-owned memory (llm.c's layout: a layer holds no
/// hidden state). Training keeps one instance per layer, every intermediate in its own buffer, for the backward pass;
/// inference shares one instance across layers, with the two norms' outputs, the gate and its activation aliased and
/// one head's probabilities at a time, so decoding steps allocate nothing once warm.
/// </summary>
/// <remarks>
/// Rows = B·T. Held: <c>input_layernorm</c>'s output (rows x C), rotated queries (rows x H·hd), rotated keys and values
/// (rows x KV·hd), attention probabilities (training: B x H x T x T; inference: one head's T x K), the heads' output
/// before <c>o_proj</c> (rows x H·hd), the residual stream after attention (rows x C, training only),
/// <c>post_attention_layernorm</c>'s output (rows x C), the gate and up projections (rows x I) and SiLU(gate)·up (rows x I).
/// </remarks>
internal sealed class LlamaActivations
{
    private readonly LlamaConfig _config;
    private int _rows;
    private long _probabilities;

    public LlamaActivations(LlamaConfig config, bool training)
    {
        _config = config;
        Training = training;
    }

    /// <summary>Whether every intermediate has its own buffer (and the probabilities of every head are kept).</summary>
    public bool Training { get; }

    public float[] Norm1 { get; private set; } = [];

    public float[] Query { get; private set; } = [];

    public float[] Key { get; private set; } = [];

    public float[] Value { get; private set; } = [];

    public float[] Probabilities { get; private set; } = [];

    public float[] Attended { get; private set; } = [];

    /// <summary>The residual stream after attention (training only; inference updates the stream in place).</summary>
    public float[] Middle { get; private set; } = [];

    public float[] Norm2 { get; private set; } = [];

    public float[] Gate { get; private set; } = [];

    public float[] Up { get; private set; } = [];

    public float[] Hidden { get; private set; } = [];

    /// <summary>Sizes the buffers for <paramref name="rows"/> rows of sequences of <paramref name="tokens"/> tokens attending to <paramref name="keys"/> positions.</summary>
    public void EnsureCapacity(int rows, int tokens, int keys)
    {
        int c = _config.Hidden, hd = _config.ResolvedHeadDim, qw = _config.Heads * hd, kvw = _config.KeyValueHeads * hd, i = _config.Intermediate;
        if (_rows < rows)
        {
            Norm1 = new float[(long)rows * c];
            Query = new float[(long)rows * qw];
            Key = new float[(long)rows * kvw];
            Value = new float[(long)rows * kvw];
            Attended = new float[(long)rows * qw];
            Gate = new float[(long)rows * i];
            Up = new float[(long)rows * i];
            // Inference reuses memory whose contents are dead by the time it is written again.
            Norm2 = Training ? new float[(long)rows * c] : Norm1;
            Middle = Training ? new float[(long)rows * c] : [];
            Hidden = Training ? new float[(long)rows * i] : Gate;
            _rows = rows;
        }
        long probabilities = Training ? (long)rows / tokens * _config.Heads * tokens * keys : (long)tokens * keys;
        if (_probabilities < probabilities)
        {
            Probabilities = new float[probabilities];
            _probabilities = probabilities;
        }
    }
}
