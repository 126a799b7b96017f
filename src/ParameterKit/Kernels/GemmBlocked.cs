using System.Runtime.CompilerServices;

namespace ParameterKit.Kernels;

/// <summary>
/// The cache-blocked GEMM driver of the BLIS family, generic over the micro-kernel. Loops, outermost first:
/// rows of C in MC blocks; K in KC blocks (pack op(A) block, MC x KC, into scratch); columns in NC blocks (pack
/// op(B) block, KC x NC, into scratch; see <see cref="GemmBlocking"/>); MR-row micro-panels of A (one sits in L1); NR-column
/// micro-panels of B; and the micro-kernel. Each element of C receives its K blocks in increasing order, so
/// the result does not depend on how callers split the rows and columns between threads.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Computes the part of C in rows [i0, i1) and columns [j0, j1), epilogue included.</summary>
    /// <remarks>i0 must be a multiple of MR and j0 of NR, so tiles line up the same way for every partition.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in GemmProblem g, int i0, int i1, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        GemmScratch scratch = GemmScratch.Current;
        float* packedA = scratch.A, packedB = scratch.B;
        float* edge = stackalloc float[mr * nr];
        int kcMax = GemmBlocking.EvenBlock(g.K, GemmBlocking.KC, 1);
        int mcMax = GemmBlocking.EvenBlock(i1 - i0, GemmBlocking.MC, mr);
        nint ldc = g.Ldc;

        for (int ic = i0; ic < i1; ic += mcMax)
        {
            int mc = Math.Min(mcMax, i1 - ic);
            for (int pc = 0; pc < g.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, g.K - pc);

                // The first K block applies beta; later blocks accumulate onto what the first one wrote.
                float beta = pc == 0 ? g.Beta : 1f;
                bool last = pc + kc >= g.K;
                GemmPacking.PackA(g, ic, pc, mc, kc, mr, packedA);
                for (int jc = j0; jc < j1; jc += GemmBlocking.NC)
                {
                    int nc = Math.Min(GemmBlocking.NC, j1 - jc);
                    GemmPacking.PackB(g, pc, jc, kc, nc, nr, packedB);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        float* a = packedA + (long)ir * kc;
                        float* cRow = g.C + (ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            float* b = packedB + (long)jr * kc;
                            float* c = cRow + jr;
                            if (rows == mr && cols == nr)
                            {
                                TKernel.Run(kc, a, b, c, ldc, g.Alpha, beta);
                            }
                            else
                            {
                                // Edge tile: the same kernel over the zero-padded panels, into a private tile.
                                TKernel.Run(kc, a, b, edge, nr, 1f, 0f);
                                MergeEdge(edge, nr, c, ldc, rows, cols, g.Alpha, beta);
                            }
                            if (last && g.HasEpilogue)
                            {
                                GemmEpilogue.Apply(c, ldc, rows, cols, g.Bias == null ? null : g.Bias + jc + jr, g.Activation);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The micro-kernel's store, in scalar form, for the valid part of an edge tile.</summary>
    private static void MergeEdge(float* tile, int ldt, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            float* t = tile + r * ldt;
            float* cr = c + r * ldc;
            for (int j = 0; j < cols; j++)
            {
                cr[j] = beta == 0 ? t[j] * alpha : MathF.FusedMultiplyAdd(t[j], alpha, cr[j] * beta);
            }
        }
    }
}
