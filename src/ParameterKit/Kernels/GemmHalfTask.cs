using System.Numerics;
using System.Runtime.Intrinsics;
using ParameterKit.Tensors;

namespace ParameterKit.Kernels;

/// <summary>
/// One planned GEMM call with a half-precision B, split into parts along one dimension of C exactly as
/// <see cref="GemmTask"/> splits a float32 one (whole micro-tiles or whole vector units per part, so each element of C
/// is computed by one thread in one order, whatever the thread count). Each thread reuses one instance.
/// </summary>
internal sealed unsafe class GemmHalfTask : IPartitionedWork
{
    [ThreadStatic]
    private static GemmHalfTask? current;

    public GemmProblem Problem;
    public GemmPath Path;
    public GemmStrategy Strategy;

    /// <summary>For <see cref="GemmStrategy.Blocked"/>: split the columns of C (else the rows).</summary>
    public bool SplitColumns;

    /// <summary>Length of the split dimension, in elements.</summary>
    public int Extent;

    /// <summary>Elements per unit of the split dimension.</summary>
    public int UnitSize;

    public int Parts;

    /// <summary>For the matrix-vector strategies: the vector x (length K, contiguous).</summary>
    public float* X;

    /// <summary>For <see cref="GemmStrategy.Dot"/>: x deinterleaved per block for the path's width, at the widening's
    /// scale (<see cref="GemmVectorHalf.Deinterleave"/>).</summary>
    public float* XPairs;

    /// <summary>
    /// For f16 matrix-vector products: widen with the exact widening alone, because some |x| reaches 2^16 and cannot be
    /// scaled for the fast one (<see cref="GemmFloat16FiniteBits.FitsInputScale"/>). Activations that large are rare.
    /// </summary>
    public bool WidenExactly;

    /// <summary>What x is multiplied by for the widening <see cref="Execute(int)"/> picks (its
    /// <see cref="IGemmHalfWiden{TVector}.InputScale"/>): 2^112 for f16's fast widening, else 1.</summary>
    public float XScale => Problem.BType == DType.F16 && !WidenExactly ? GemmFloat16FiniteBits.InputScale : 1f;

    /// <summary>
    /// For <see cref="GemmStrategy.Axpy"/>: split the stored rows of W (K) into <see cref="AxpySlices"/> fixed slices,
    /// each summed into its own row of <see cref="Partials"/> (else split the columns). See <see cref="GemmHalf"/>.
    /// </summary>
    public bool SplitK;

    /// <summary>For <see cref="SplitK"/>: <see cref="AxpySlices"/> rows of N partial sums, one per slice of K.</summary>
    public float* Partials;

    /// <summary>How many slices <see cref="SplitK"/> cuts K into, whatever the thread count.</summary>
    public const int AxpySlices = 4;

    /// <summary>The calling thread's reusable task.</summary>
    public static GemmHalfTask Current => current ??= new GemmHalfTask();

    /// <summary>Number of units the split dimension holds.</summary>
    public int Units => (Extent + UnitSize - 1) / UnitSize;

    /// <summary>Computes part <paramref name="part"/> of <see cref="Parts"/>.</summary>
    public void Execute(int part)
    {
        int units = Units;
        int start = (int)((long)units * part / Parts) * UnitSize;
        int end = Math.Min((int)((long)units * (part + 1) / Parts) * UnitSize, Extent);
        if (start >= end)
        {
            return;
        }
        bool bf16 = Problem.BType == DType.BF16;
        switch (Path)
        {
            case GemmPath.Avx512 when bf16:
                Execute<GemmMicroKernelAvx512, GemmVectorOps512, GemmWidenBFloat16Avx512, GemmWidenBFloat16Avx512, Vector512<float>>(start, end);
                break;
            case GemmPath.Avx512 when WidenExactly:
                Execute<GemmMicroKernelAvx512, GemmVectorOps512, GemmWidenFloat16Avx512, GemmWidenFloat16Avx512, Vector512<float>>(start, end);
                break;
            case GemmPath.Avx512:
                Execute<GemmMicroKernelAvx512, GemmVectorOps512, GemmWidenFloat16FiniteAvx512, GemmWidenFloat16Avx512, Vector512<float>>(start, end);
                break;
            case GemmPath.Avx2 when bf16:
                Execute<GemmMicroKernelAvx2, GemmVectorOps256, GemmWidenBFloat16Avx2, GemmWidenBFloat16Avx2, Vector256<float>>(start, end);
                break;
            case GemmPath.Avx2 when WidenExactly:
                Execute<GemmMicroKernelAvx2, GemmVectorOps256, GemmWidenFloat16Avx2, GemmWidenFloat16Avx2, Vector256<float>>(start, end);
                break;
            case GemmPath.Avx2:
                Execute<GemmMicroKernelAvx2, GemmVectorOps256, GemmWidenFloat16FiniteAvx2, GemmWidenFloat16Avx2, Vector256<float>>(start, end);
                break;
            default:
                if (bf16)
                {
                    Execute<GemmMicroKernelPortable, GemmVectorOpsPortable, GemmWidenBFloat16Portable, GemmWidenBFloat16Portable, Vector<float>>(start, end);
                }
                else if (WidenExactly)
                {
                    Execute<GemmMicroKernelPortable, GemmVectorOpsPortable, GemmWidenFloat16Portable, GemmWidenFloat16Portable, Vector<float>>(start, end);
                }
                else
                {
                    Execute<GemmMicroKernelPortable, GemmVectorOpsPortable, GemmWidenFloat16FinitePortable, GemmWidenFloat16Portable, Vector<float>>(start, end);
                }
                break;
        }
    }

    /// <summary>
    /// Part [<paramref name="start"/>, <paramref name="end"/>) with one path's kernels: the matrix-vector kernels widen B
    /// with <typeparamref name="TWiden"/> and redo what it cannot represent with <typeparamref name="TExact"/> (for f16,
    /// the fast widening that is exact on finite values, then the exact one; bf16 widens exactly in one instruction).
    /// </summary>
    private void Execute<TKernel, TOps, TWiden, TExact, TVector>(int start, int end)
        where TKernel : struct, IGemmMicroKernel
        where TOps : struct, IGemmVectorOps<TVector>
        where TWiden : struct, IGemmHalfWiden<TVector>
        where TExact : struct, IGemmHalfWiden<TVector>
        where TVector : struct
    {
        ref readonly GemmProblem g = ref Problem;
        float* bias = g.Bias;
        switch (Strategy)
        {
            case GemmStrategy.Blocked:
                if (SplitColumns)
                {
                    GemmBlocked.Run<TKernel, GemmPackHalf>(g, 0, g.M, start, end);
                }
                else
                {
                    GemmBlocked.Run<TKernel, GemmPackHalf>(g, start, end, 0, g.N);
                }
                break;
            case GemmStrategy.Dot:
                // M = 1, B stored N x K: output j is a dot product with stored row j.
                GemmVectorHalf.Dot<TOps, TWiden, TExact, TVector>(
                    X, XPairs, g.BHalf + (long)start * g.Ldb, g.Ldb, g.K, end - start, g.C + start, 1,
                    g.Alpha, g.Beta, bias == null ? null : bias + start, 1, g.Activation);
                break;
            case GemmStrategy.Axpy when SplitK:
                // M = 1, B stored K x N, [start, end) whole slices of K: each slice's rows summed into its own partials.
                for (int k0 = start; k0 < end; k0 += UnitSize)
                {
                    float* sums = Partials + (long)(k0 / UnitSize) * g.N;
                    GemmVectorHalf.SumColumns<TOps, TWiden, TExact, TVector>(X + k0, g.BHalf + k0 * g.Ldb, g.Ldb, Math.Min(UnitSize, g.K - k0), g.N, sums);
                }
                break;
            default:
                // M = 1, B stored K x N: the stored rows scaled by x and summed.
                GemmVectorHalf.Axpy<TOps, TWiden, TExact, TVector>(
                    X, g.BHalf + start, g.Ldb, g.K, end - start, g.C + start, 1,
                    g.Alpha, g.Beta, bias == null ? null : bias + start, 1, g.Activation, GemmScratch.Current.A);
                break;
        }
    }
}
