namespace ParameterKit.Models.Llama;

/// <summary>Scratch for the backward pass, shared by every layer (each layer's gradients are consumed before the next layer's are made).</summary>
internal sealed class LlamaGradients(LlamaConfig config)
{
    private int _rows;
    private int _tokens;

    /// <summary>dLoss/d(residual after attention), rows x C.</summary>
    public float[] Middle { get; private set; } = [];

    /// <summary>dLoss/d(a norm's output), rows x C.</summary>
    public float[] Norm { get; private set; } = [];

    /// <summary>A second rows x C term, added into another.</summary>
    public float[] Term { get; private set; } = [];

    public float[] Attended { get; private set; } = [];

    public float[] Query { get; private set; } = [];

    public float[] Key { get; private set; } = [];

    public float[] Value { get; private set; } = [];

    /// <summary>dLoss/d(SiLU(gate)·up), then dLoss/d(gate), rows x I.</summary>
    public float[] Gate { get; private set; } = [];

    public float[] Up { get; private set; } = [];

    /// <summary>One head's dQ, dK and dV (T x hd each) and its dScores (T x T).</summary>
    public float[] HeadQuery { get; private set; } = [];

    public float[] HeadKey { get; private set; } = [];

    public float[] HeadValue { get; private set; } = [];

    public float[] Scores { get; private set; } = [];

    public void EnsureCapacity(int rows, int tokens)
    {
        int c = config.Hidden, hd = config.ResolvedHeadDim, qw = config.Heads * hd, kvw = config.KeyValueHeads * hd, i = config.Intermediate;
        if (_rows < rows)
        {
            Middle = new float[(long)rows * c];
            Norm = new float[(long)rows * c];
            Term = new float[(long)rows * c];
            Attended = new float[(long)rows * qw];
            Query = new float[(long)rows * qw];
            Key = new float[(long)rows * kvw];
            Value = new float[(long)rows * kvw];
            Gate = new float[(long)rows * i];
            Up = new float[(long)rows * i];
            _rows = rows;
        }
        if (_tokens < tokens)
        {
            HeadQuery = new float[(long)tokens * hd];
            HeadKey = new float[(long)tokens * hd];
            HeadValue = new float[(long)tokens * hd];
            Scores = new float[(long)tokens * tokens];
            _tokens = tokens;
        }
    }
}
