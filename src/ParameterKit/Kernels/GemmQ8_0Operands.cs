namespace ParameterKit.Kernels;

/// <summary>
/// One validated product with a Q8_0 weight, as raw pointers the worker threads share (the caller pins every span
/// and waits for the workers): the weight's N rows of K / 32 blocks, the M activation rows already quantized, and C.
/// </summary>
internal unsafe struct GemmQ8_0Operands
{
    public byte* Weights;

    /// <summary>Bytes per weight row: K / 32 blocks of 34.</summary>
    public nint RowBytes;
    public int Blocks;
    public int K;
    public int M;
    public int N;

    /// <summary>M rows of K quantized activations.</summary>
    public sbyte* Activations;

    /// <summary>M rows of K / 32 activation scales.</summary>
    public float* ActivationScales;
    public float* C;
    public int Ldc;
    public float Beta;

    /// <summary>Bias per output (length N), or null.</summary>
    public float* Bias;
    public GemmActivation Activation;
}
