using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// AVX-512 micro-kernel, 12 x 32: 24 accumulators in zmm registers, 2 loads of B and 12 broadcasts of A per k.
/// The shape follows BLIS's Zen 4 SGEMM kernel (32 x 12 there, column-major; transposed here for row-major C):
/// Zen 4 splits each 512-bit FMA over its two 256-bit pipes, so 24 independent chains cover the 4-cycle FMA
/// latency several times over while leaving registers for the B vectors and one broadcast.
/// </summary>
internal readonly unsafe struct GemmMicroKernelAvx512 : IGemmMicroKernel
{
    /// <inheritdoc/>
    public static int MR => 12;

    /// <inheritdoc/>
    public static int NR => 2 * Vector512<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = Vector512<float>.Zero; Vector512<float> c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero; Vector512<float> c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero; Vector512<float> c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero; Vector512<float> c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero; Vector512<float> c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero; Vector512<float> c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero; Vector512<float> c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero; Vector512<float> c71 = Vector512<float>.Zero;
        Vector512<float> c80 = Vector512<float>.Zero; Vector512<float> c81 = Vector512<float>.Zero;
        Vector512<float> c90 = Vector512<float>.Zero; Vector512<float> c91 = Vector512<float>.Zero;
        Vector512<float> c100 = Vector512<float>.Zero; Vector512<float> c101 = Vector512<float>.Zero;
        Vector512<float> c110 = Vector512<float>.Zero; Vector512<float> c111 = Vector512<float>.Zero;

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
            Vector512<float> a8 = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(a8, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(a8, b1, c81);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(a9, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(a9, b1, c91);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c100 = Vector512.FusedMultiplyAdd(a10, b0, c100);
            c101 = Vector512.FusedMultiplyAdd(a10, b1, c101);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c110 = Vector512.FusedMultiplyAdd(a11, b0, c110);
            c111 = Vector512.FusedMultiplyAdd(a11, b1, c111);
            a += 12;
            b += 2 * Vector512<float>.Count;
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
            Vector512.Store(c80 * va, c + 8 * ldc);
            Vector512.Store(c81 * va, c + 8 * ldc + Vector512<float>.Count);
            Vector512.Store(c90 * va, c + 9 * ldc);
            Vector512.Store(c91 * va, c + 9 * ldc + Vector512<float>.Count);
            Vector512.Store(c100 * va, c + 10 * ldc);
            Vector512.Store(c101 * va, c + 10 * ldc + Vector512<float>.Count);
            Vector512.Store(c110 * va, c + 11 * ldc);
            Vector512.Store(c111 * va, c + 11 * ldc + Vector512<float>.Count);
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
            Vector512.Store(Vector512.FusedMultiplyAdd(c80, va, Vector512.Load(c + 8 * ldc) * vb), c + 8 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c81, va, Vector512.Load(c + 8 * ldc + Vector512<float>.Count) * vb), c + 8 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c90, va, Vector512.Load(c + 9 * ldc) * vb), c + 9 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c91, va, Vector512.Load(c + 9 * ldc + Vector512<float>.Count) * vb), c + 9 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c100, va, Vector512.Load(c + 10 * ldc) * vb), c + 10 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c101, va, Vector512.Load(c + 10 * ldc + Vector512<float>.Count) * vb), c + 10 * ldc + Vector512<float>.Count);
            Vector512.Store(Vector512.FusedMultiplyAdd(c110, va, Vector512.Load(c + 11 * ldc) * vb), c + 11 * ldc);
            Vector512.Store(Vector512.FusedMultiplyAdd(c111, va, Vector512.Load(c + 11 * ldc + Vector512<float>.Count) * vb), c + 11 * ldc + Vector512<float>.Count);
        }
    }
}
