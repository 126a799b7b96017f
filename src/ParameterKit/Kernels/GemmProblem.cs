namespace ParameterKit.Kernels;

/// <summary>
/// One validated GEMM call, held as raw pointers so worker threads can share it: the caller pins every span
/// for the whole call and waits for the workers, so the pointers never outlive the memory they point to.
/// </summary>
internal unsafe struct GemmProblem
{
    public Transpose TransA;
    public Transpose TransB;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public float* A;
    public int Lda;
    public float* B;

    /// <summary>B in half precision (bf16 or f16 bit patterns, <see cref="BType"/>) instead of <see cref="B"/>, or null.</summary>
    public ushort* BHalf;

    /// <summary>The storage type of <see cref="BHalf"/>: <see cref="Tensors.DType.BF16"/> or <see cref="Tensors.DType.F16"/>.</summary>
    public Tensors.DType BType;
    public int Ldb;
    public float* C;
    public int Ldc;

    /// <summary>Bias per column of C (length N), or null for none.</summary>
    public float* Bias;
    public GemmActivation Activation;

    /// <summary>Whether the call ends with a bias or an activation pass over C.</summary>
    public readonly bool HasEpilogue => Bias != null || Activation != GemmActivation.None;
}
