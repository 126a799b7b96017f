using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Numerics;

namespace ParameterKit.Kernels;

/// <summary>
/// Portable micro-kernel, 6 x (2 x <see cref="Vector{T}"/> width): the AVX2 shape written with
/// <see cref="Vector{T}"/>, so it runs with SSE, NEON or anything else the runtime vectorises. It uses
/// <see cref="Vector.MultiplyAddEstimate(Vector{float}, Vector{float}, Vector{float})"/>: a fused multiply-add
/// where the hardware has one, a multiply then add where it does not (an exact software FMA would be far slower).
/// </summary>
internal readonly unsafe struct GemmMicroKernelPortable : IGemmMicroKernel
{
    /// <inheritdoc/>
    public static int MR => 6;

    /// <inheritdoc/>
    public static int NR => 2 * Vector<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        Vector<float> c00 = Vector<float>.Zero; Vector<float> c01 = Vector<float>.Zero;
        Vector<float> c10 = Vector<float>.Zero; Vector<float> c11 = Vector<float>.Zero;
        Vector<float> c20 = Vector<float>.Zero; Vector<float> c21 = Vector<float>.Zero;
        Vector<float> c30 = Vector<float>.Zero; Vector<float> c31 = Vector<float>.Zero;
        Vector<float> c40 = Vector<float>.Zero; Vector<float> c41 = Vector<float>.Zero;
        Vector<float> c50 = Vector<float>.Zero; Vector<float> c51 = Vector<float>.Zero;

        // One k step: load NR values of B once, broadcast each of the MR values of A, and issue
        // MR x 2 independent FMAs - enough to hide the FMA latency on both FMA pipes.
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Vector.Load(b);
            Vector<float> b1 = Vector.Load(b + Vector<float>.Count);
            Vector<float> a0 = new Vector<float>(a[0]);
            c00 = Vector.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector.MultiplyAddEstimate(a0, b1, c01);
            Vector<float> a1 = new Vector<float>(a[1]);
            c10 = Vector.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector.MultiplyAddEstimate(a1, b1, c11);
            Vector<float> a2 = new Vector<float>(a[2]);
            c20 = Vector.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector.MultiplyAddEstimate(a2, b1, c21);
            Vector<float> a3 = new Vector<float>(a[3]);
            c30 = Vector.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector.MultiplyAddEstimate(a3, b1, c31);
            Vector<float> a4 = new Vector<float>(a[4]);
            c40 = Vector.MultiplyAddEstimate(a4, b0, c40);
            c41 = Vector.MultiplyAddEstimate(a4, b1, c41);
            Vector<float> a5 = new Vector<float>(a[5]);
            c50 = Vector.MultiplyAddEstimate(a5, b0, c50);
            c51 = Vector.MultiplyAddEstimate(a5, b1, c51);
            a += 6;
            b += ldb;
        }

        Vector<float> va = new Vector<float>(alpha);
        if (beta == 0)
        {
            // BLAS semantics: with beta = 0 the old C is never read, so NaN garbage there cannot leak in.
            Vector.Store(c00 * va, c);
            Vector.Store(c01 * va, c + Vector<float>.Count);
            Vector.Store(c10 * va, c + 1 * ldc);
            Vector.Store(c11 * va, c + 1 * ldc + Vector<float>.Count);
            Vector.Store(c20 * va, c + 2 * ldc);
            Vector.Store(c21 * va, c + 2 * ldc + Vector<float>.Count);
            Vector.Store(c30 * va, c + 3 * ldc);
            Vector.Store(c31 * va, c + 3 * ldc + Vector<float>.Count);
            Vector.Store(c40 * va, c + 4 * ldc);
            Vector.Store(c41 * va, c + 4 * ldc + Vector<float>.Count);
            Vector.Store(c50 * va, c + 5 * ldc);
            Vector.Store(c51 * va, c + 5 * ldc + Vector<float>.Count);
        }
        else
        {
            Vector<float> vb = new Vector<float>(beta);
            Vector.Store(Vector.MultiplyAddEstimate(c00, va, Vector.Load(c) * vb), c);
            Vector.Store(Vector.MultiplyAddEstimate(c01, va, Vector.Load(c + Vector<float>.Count) * vb), c + Vector<float>.Count);
            Vector.Store(Vector.MultiplyAddEstimate(c10, va, Vector.Load(c + 1 * ldc) * vb), c + 1 * ldc);
            Vector.Store(Vector.MultiplyAddEstimate(c11, va, Vector.Load(c + 1 * ldc + Vector<float>.Count) * vb), c + 1 * ldc + Vector<float>.Count);
            Vector.Store(Vector.MultiplyAddEstimate(c20, va, Vector.Load(c + 2 * ldc) * vb), c + 2 * ldc);
            Vector.Store(Vector.MultiplyAddEstimate(c21, va, Vector.Load(c + 2 * ldc + Vector<float>.Count) * vb), c + 2 * ldc + Vector<float>.Count);
            Vector.Store(Vector.MultiplyAddEstimate(c30, va, Vector.Load(c + 3 * ldc) * vb), c + 3 * ldc);
            Vector.Store(Vector.MultiplyAddEstimate(c31, va, Vector.Load(c + 3 * ldc + Vector<float>.Count) * vb), c + 3 * ldc + Vector<float>.Count);
            Vector.Store(Vector.MultiplyAddEstimate(c40, va, Vector.Load(c + 4 * ldc) * vb), c + 4 * ldc);
            Vector.Store(Vector.MultiplyAddEstimate(c41, va, Vector.Load(c + 4 * ldc + Vector<float>.Count) * vb), c + 4 * ldc + Vector<float>.Count);
            Vector.Store(Vector.MultiplyAddEstimate(c50, va, Vector.Load(c + 5 * ldc) * vb), c + 5 * ldc);
            Vector.Store(Vector.MultiplyAddEstimate(c51, va, Vector.Load(c + 5 * ldc + Vector<float>.Count) * vb), c + 5 * ldc + Vector<float>.Count);
        }
    }
}
