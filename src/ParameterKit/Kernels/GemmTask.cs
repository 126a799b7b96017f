using System.Numerics;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// One planned GEMM call, split into a fixed number of parts along one dimension of C. Part p covers units
/// <c>[units * p / parts, units * (p + 1) / parts)</c>; a unit is a whole number of micro-tiles, so no tile
/// straddles two threads and each element of C is computed by exactly one thread. Each thread reuses one
/// instance for all its calls, so planning allocates nothing.
/// </summary>
internal sealed unsafe class GemmTask : IPartitionedWork
{
    [ThreadStatic]
    private static GemmTask? current;

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

    // Matrix-vector operands: y[j * YStride] from x (length K, contiguous) and W (row stride Ldw).
    public float* X;
    public float* W;
    public nint Ldw;
    public float* Y;
    public nint YStride;
    public nint BiasStride;

    /// <summary>For <see cref="GemmStrategy.Narrow"/>: the prepared operands.</summary>
    public GemmNarrowOperands Narrow;

    /// <summary>The calling thread's reusable task.</summary>
    public static GemmTask Current => current ??= new GemmTask();

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
        switch (Path)
        {
            case GemmPath.Avx512:
                Execute<GemmMicroKernelAvx512, GemmVectorOps512, Vector512<float>>(start, end);
                break;
            case GemmPath.Avx2:
                Execute<GemmMicroKernelAvx2, GemmVectorOps256, Vector256<float>>(start, end);
                break;
            default:
                Execute<GemmMicroKernelPortable, GemmVectorOpsPortable, Vector<float>>(start, end);
                break;
        }
    }

    private void Execute<TKernel, TOps, TVector>(int start, int end)
        where TKernel : struct, IGemmMicroKernel
        where TOps : struct, IGemmVectorOps<TVector>
        where TVector : struct
    {
        ref readonly GemmProblem g = ref Problem;
        float* bias = g.Bias;
        switch (Strategy)
        {
            case GemmStrategy.Blocked:
                if (SplitColumns)
                {
                    GemmBlocked.Run<TKernel>(g, 0, g.M, start, end);
                }
                else
                {
                    GemmBlocked.Run<TKernel>(g, start, end, 0, g.N);
                }
                break;
            case GemmStrategy.Dot:
                GemmVector.Dot<TOps, TVector>(
                    X, W + start * Ldw, Ldw, g.K, end - start, Y + start * YStride, YStride,
                    g.Alpha, g.Beta, bias == null ? null : bias + start * BiasStride, BiasStride, g.Activation);
                break;
            case GemmStrategy.Axpy:
                GemmVector.Axpy<TOps, TVector>(
                    X, W + start, Ldw, g.K, end - start, Y + start * YStride, YStride,
                    g.Alpha, g.Beta, bias == null ? null : bias + start * BiasStride, BiasStride, g.Activation,
                    GemmScratch.Current.A);
                break;
            default:
                Narrow.Compute(g, Path, start, end);
                break;
        }
    }
}
