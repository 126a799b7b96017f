using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// AVX2 + FMA3 micro-kernel, 6 x 16: 12 accumulators in ymm registers plus 2 B vectors and 1 broadcast fill
/// 15 of the 16 registers (the classic BLIS Haswell shape). Two FMA pipes with 4-cycle latency need at least
/// 8 independent chains; 12 leave slack for loads.
/// </summary>
internal readonly unsafe struct GemmMicroKernelAvx2 : IGemmMicroKernel
{
    /// <inheritdoc/>
    public static int MR => 6;

    /// <inheritdoc/>
    public static int NR => 2 * Vector256<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c00 = Vector256<float>.Zero; Vector256<float> c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero; Vector256<float> c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero; Vector256<float> c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero; Vector256<float> c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero; Vector256<float> c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero; Vector256<float> c51 = Vector256<float>.Zero;

        // One k step: load NR values of B once, broadcast each of the MR values of A, and issue
        // MR x 2 independent FMAs - enough to hide the FMA latency on both FMA pipes.
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + Vector256<float>.Count);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += ldb;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0)
        {
            // BLAS semantics: with beta = 0 the old C is never read, so NaN garbage there cannot leak in.
            Vector256.Store(c00 * va, c);
            Vector256.Store(c01 * va, c + Vector256<float>.Count);
            Vector256.Store(c10 * va, c + 1 * ldc);
            Vector256.Store(c11 * va, c + 1 * ldc + Vector256<float>.Count);
            Vector256.Store(c20 * va, c + 2 * ldc);
            Vector256.Store(c21 * va, c + 2 * ldc + Vector256<float>.Count);
            Vector256.Store(c30 * va, c + 3 * ldc);
            Vector256.Store(c31 * va, c + 3 * ldc + Vector256<float>.Count);
            Vector256.Store(c40 * va, c + 4 * ldc);
            Vector256.Store(c41 * va, c + 4 * ldc + Vector256<float>.Count);
            Vector256.Store(c50 * va, c + 5 * ldc);
            Vector256.Store(c51 * va, c + 5 * ldc + Vector256<float>.Count);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(c00, va, Vector256.Load(c) * vb), c);
            Vector256.Store(Vector256.FusedMultiplyAdd(c01, va, Vector256.Load(c + Vector256<float>.Count) * vb), c + Vector256<float>.Count);
            Vector256.Store(Vector256.FusedMultiplyAdd(c10, va, Vector256.Load(c + 1 * ldc) * vb), c + 1 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(c11, va, Vector256.Load(c + 1 * ldc + Vector256<float>.Count) * vb), c + 1 * ldc + Vector256<float>.Count);
            Vector256.Store(Vector256.FusedMultiplyAdd(c20, va, Vector256.Load(c + 2 * ldc) * vb), c + 2 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(c21, va, Vector256.Load(c + 2 * ldc + Vector256<float>.Count) * vb), c + 2 * ldc + Vector256<float>.Count);
            Vector256.Store(Vector256.FusedMultiplyAdd(c30, va, Vector256.Load(c + 3 * ldc) * vb), c + 3 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(c31, va, Vector256.Load(c + 3 * ldc + Vector256<float>.Count) * vb), c + 3 * ldc + Vector256<float>.Count);
            Vector256.Store(Vector256.FusedMultiplyAdd(c40, va, Vector256.Load(c + 4 * ldc) * vb), c + 4 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(c41, va, Vector256.Load(c + 4 * ldc + Vector256<float>.Count) * vb), c + 4 * ldc + Vector256<float>.Count);
            Vector256.Store(Vector256.FusedMultiplyAdd(c50, va, Vector256.Load(c + 5 * ldc) * vb), c + 5 * ldc);
            Vector256.Store(Vector256.FusedMultiplyAdd(c51, va, Vector256.Load(c + 5 * ldc + Vector256<float>.Count) * vb), c + 5 * ldc + Vector256<float>.Count);
        }
    }
}
