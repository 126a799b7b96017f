namespace ParameterKit.Kernels;

/// <summary>
/// The instruction-set path a GEMM call runs on. <see cref="GemmDispatch"/> picks the widest one the
/// runtime accelerates; tests force each one in turn so every path is proven on one machine.
/// </summary>
internal enum GemmPath
{
    /// <summary><see cref="System.Numerics.Vector{T}"/> code: whatever width the runtime gives (SSE, AVX2, NEON).</summary>
    Portable = 0,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector256{T}"/> with AVX2 and FMA3.</summary>
    Avx2 = 1,

    /// <summary><see cref="System.Runtime.Intrinsics.Vector512{T}"/> with AVX-512F.</summary>
    Avx512 = 2,
}
