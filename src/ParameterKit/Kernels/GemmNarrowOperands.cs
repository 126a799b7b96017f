using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// The operands <see cref="GemmNarrow"/> reads: rows of op(A), each K contiguous values, and W, op(B) transposed
/// (row j of W is column j of op(B), K contiguous values). Whatever is not already stored that way is copied into
/// the calling thread's scratch once per call.
/// </summary>
internal readonly unsafe struct GemmNarrowOperands
{
    private readonly float* rows;
    private readonly nint ldRows;
    private readonly float* w;
    private readonly nint ldw;

    private GemmNarrowOperands(float* rows, nint ldRows, float* w, nint ldw)
    {
        this.rows = rows;
        this.ldRows = ldRows;
        this.w = w;
        this.ldw = ldw;
    }

    /// <summary>Prepares the operands of <paramref name="g"/>; false when a copy would not fit the scratch.</summary>
    public static bool TryPrepare(in GemmProblem g, out GemmNarrowOperands operands)
    {
        operands = default;
        bool copyB = g.TransB == Transpose.No, copyA = g.TransA == Transpose.Yes;
        if ((copyB && (long)g.N * g.K > GemmScratch.BCapacity) || (copyA && (long)g.M * g.K > GemmScratch.ACapacity))
        {
            return false;
        }

        // Stored transposed (N x K, the Linear layer's weight), B already is W; stored K x N, its columns are
        // gathered (N * K floats, tiny next to the M * N * K multiply-adds). A stored transposed is rare here.
        GemmScratch? scratch = copyA || copyB ? GemmScratch.Current : null;
        float* w = g.B, rows = g.A;
        nint ldw = g.Ldb, ldRows = g.Lda;
        if (copyB)
        {
            w = scratch!.B;
            ldw = g.K;
            GemmPacking.TransposeInto(g.B, g.Ldb, w, g.K, g.K, g.N);
        }
        if (copyA)
        {
            rows = scratch!.A;
            ldRows = g.K;
            GemmPacking.TransposeInto(g.A, g.Lda, rows, g.K, g.K, g.M);
        }
        operands = new GemmNarrowOperands(rows, ldRows, w, ldw);
        return true;
    }

    /// <summary>Computes rows [<paramref name="i0"/>, <paramref name="i1"/>) of C on <paramref name="path"/>.</summary>
    /// <remarks>
    /// 256-bit vectors on the AVX-512 path too. The kernel alone is about 4% faster with 512-bit multiplies (half the
    /// dependency chain per accumulator), but a gathered W has just been written with 256-bit stores, and a 512-bit
    /// load spanning two pending stores cannot take its data from the store buffer: the whole 32 x 64 x 3 call was
    /// 5% slower that way.
    /// </remarks>
    public void Compute(in GemmProblem g, GemmPath path, int i0, int i1)
    {
        if (path == GemmPath.Portable)
        {
            GemmNarrow.Run<GemmVectorOpsPortable, System.Numerics.Vector<float>>(
                rows, ldRows, w, ldw, g.K, g.N, g.C, g.Ldc, i0, i1, g.Alpha, g.Beta, g.Bias, g.Activation);
            return;
        }
        GemmNarrow.Run<GemmVectorOps256, Vector256<float>>(
            rows, ldRows, w, ldw, g.K, g.N, g.C, g.Ldc, i0, i1, g.Alpha, g.Beta, g.Bias, g.Activation);
    }
}
