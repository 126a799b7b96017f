namespace ParameterKit.Kernels;

/// <summary>
/// A register-blocked GEMM micro-kernel: it keeps an MR x NR tile of C in vector registers while it walks K
/// over one packed micro-panel of A (MR rows, interleaved per k) and one of B (NR columns, interleaved per k).
/// The blocked driver is generic over this interface, so the JIT compiles one specialised driver per kernel
/// with the tile sizes as constants.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the C tile: how many A values are broadcast per k.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile: a whole number of vectors loaded from B per k.</summary>
    static abstract int NR { get; }

    /// <summary>
    /// <c>C[MR x NR] = alpha * sum_p a[p * MR + i] * b[p * ldb + j] + beta * C</c>, p in [0, kc), the sum taken
    /// in increasing p with one fused multiply-add per step. When <paramref name="beta"/> is 0, C is not read.
    /// </summary>
    /// <remarks>
    /// B is a packed micro-panel (the drivers pass <paramref name="ldb"/> = NR); the stride stays a parameter so a
    /// kernel can also run on NR columns of a K x N matrix where it is stored.
    /// </remarks>
    static abstract void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta);
}
