using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// AVX-512 micro-kernel, 8 x 32: 16 accumulators in zmm registers, 2 loads of B and 8 broadcasts of A per k.
/// Zen 4 runs each 512-bit FMA on both of its 256-bit pipes, so one FMA issues per cycle and 4-cycle latency
/// needs only 4 independent chains; 16 leave ample slack. Eight rows (rather than BLIS's twelve) divide the
/// row counts models use (B*T = 64, 512, 1024), so those products never fall into padded edge tiles; measured
/// on 64 x 768 x 3072 the 8-row tile was about 10% faster than a 12 x 32 one.
/// </summary>
internal readonly unsafe struct GemmMicroKernelAvx512 : IGemmMicroKernel
{
    /// <inheritdoc/>
    public static int MR => 8;

    /// <inheritdoc/>
    public static int NR => 2 * Vector512<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = Vector512<float>.Zero; Vector512<float> c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero; Vector512<float> c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero; Vector512<float> c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero; Vector512<float> c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero; Vector512<float> c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero; Vector512<float> c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero; Vector512<float> c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero; Vector512<float> c71 = Vector512<float>.Zero;

        // One k step: load NR values of B once, broadcast each of the MR values of A, and issue
        // MR x 2 independent FMAs - enough to hide the FMA latency on both FMA pipes.
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + Vector512<float>.Count);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += ldb;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0)
        {
            // BLAS semantics: with beta = 0 the old C is never read, so NaN garbage there cannot leak in.
            Vector512.Store(c00 * va, c);
            Vector512.Store(c01 * va, c + Vector512<float>.Count);
            Vector512.Store(c10 * va, c + 1 * ldc);
            Vector512.Store(c11 * va, c + 1 * ldc + Vector512<float>.Count);
            Vector512.Store(c20 * va, c + 2 * ldc);
            Vector512.Store(c21 * va, c + 2 * ldc + Vector512<float>.Count);
            Vector512.Store(c30 * va, c + 3 * ldc);
            Vector512.Store(c31 * va, c + 3 * ldc + Vector512<float>.Count);
            Vector512.Store(c40 * va, c + 4 * ldc);
            Vector512.Store(c41 * va, c + 4 * ldc + Vector512<float>.Count);
            Vector512.Store(c50 * va, c + 5 * ldc);
            Vector512.Store(c51 * va, c + 5 * ldc + Vector512<float>.Count);
            Vector512.Store(c60 * va, c + 6 * ldc);
            Vector512.Store(c61 * va, c + 6 * ldc + Vector512<float>.Count);
            Vector512.Store(c70 * va, c + 7 * ldc);
            Vector512.Store(c71 * va, c + 7 * ldc + Vector512<float>.Count);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(c00, va, Vector512.Load(c) * vb), c);
            Vector512.Store(Vector512.FusedMultiplyAdd(c01, va, Vector512.Load(c + Vector512<float>.Count) * vb), c + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c10, va, Vector512.Load(c + 1 * ldc) * vb), c + 1 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c11, va, Vector512.Load(c + 1 * ldc + Vector512<float>.Count) * vb), c + 1 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c20, va, Vector512.Load(c + 2 * ldc) * vb), c + 2 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c21, va, Vector512.Load(c + 2 * ldc + Vector512<float>.Count) * vb), c + 2 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c30, va, Vector512.Load(c + 3 * ldc) * vb), c + 3 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c31, va, Vector512.Load(c + 3 * ldc + Vector512<float>.Count) * vb), c + 3 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c40, va, Vector512.Load(c + 4 * ldc) * vb), c + 4 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c41, va, Vector512.Load(c + 4 * ldc + Vector512<float>.Count) * vb), c + 4 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c50, va, Vector512.Load(c + 5 * ldc) * vb), c + 5 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c51, va, Vector512.Load(c + 5 * ldc + Vector512<float>.Count) * vb), c + 5 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c60, va, Vector512.Load(c + 6 * ldc) * vb), c + 6 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c61, va, Vector512.Load(c + 6 * ldc + Vector512<float>.Count) * vb), c + 6 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c70, va, Vector512.Load(c + 7 * ldc) * vb), c + 7 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c71, va, Vector512.Load(c + 7 * ldc + Vector512<float>.Count) * vb), c + 7 * ldc + Vector512<float>.Count);
        }
    }
}
