using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace ParameterKit.Kernels;

/// <summary>
/// The cache-blocked GEMM driver of the BLIS family, generic over the micro-kernel. Loops, outermost first:
/// rows of C in MC blocks; K in KC blocks (pack op(A) block, MC x KC, into scratch); columns in NC blocks (pack
/// op(B) block, KC x NC, into scratch; see <see cref="GemmBlocking"/>); MR-row micro-panels of A (one sits in L1);
/// NR-column micro-panels of B; and the micro-kernel. Products with few rows and B stored K x N pack B one panel at a time
/// (see <see cref="RunPanelByPanel"/>). Each element of C receives its K blocks in increasing order and the choice of
/// route depends on the whole problem, so the result does not depend on how callers split C between threads.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Computes the part of C in rows [i0, i1) and columns [j0, j1), epilogue included.</summary>
    /// <remarks>i0 must be a multiple of MR and j0 of NR, so tiles line up the same way for every partition.</remarks>
    public static void Run<TKernel>(in GemmProblem g, int i0, int i1, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel =>
        Run<TKernel, GemmPackSingle>(g, i0, i1, j0, j1);

    /// <summary>As <see cref="Run{TKernel}"/>, with B packed by <typeparamref name="TPackB"/> (float32 or half-precision B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel, TPackB>(in GemmProblem g, int i0, int i1, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel
        where TPackB : struct, IGemmPackB
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        GemmScratch scratch = GemmScratch.Current;
        float* packedA = scratch.A, packedB = scratch.B;
        float* edge = stackalloc float[mr * nr];
        bool panelByPanel = TPackB.PacksPanelByPanel(g);
        int kcMax = GemmBlocking.EvenBlock(g.K, GemmBlocking.KC, 1);
        int mcMax = GemmBlocking.EvenBlock(i1 - i0, GemmBlocking.MC, mr);

        for (int ic = i0; ic < i1; ic += mcMax)
        {
            int mc = Math.Min(mcMax, i1 - ic);
            for (int pc = 0; pc < g.K; pc += kcMax)
            {
                var block = new Block(ic, mc, pc, Math.Min(kcMax, g.K - pc), g);
                GemmPacking.PackA(g, ic, pc, mc, block.Kc, mr, packedA);
                if (panelByPanel)
                {
                    RunPanelByPanel<TKernel, TPackB>(g, block, packedA, packedB, edge, j0, j1);
                    continue;
                }
                for (int jc = j0; jc < j1; jc += GemmBlocking.NC)
                {
                    int nc = Math.Min(GemmBlocking.NC, j1 - jc);
                    TPackB.PackB(g, pc, jc, block.Kc, nc, nr, packedB);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        float* a = packedA + (long)ir * block.Kc;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            Tile<TKernel>(g, block, a, packedB + (long)jr * block.Kc, nr, ic + ir, jc + jr, Math.Min(mr, mc - ir), Math.Min(nr, nc - jr), edge);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether B is packed one panel at a time instead of a whole block ahead: B stored K x N and at most
    /// <see cref="GemmBlocking.StreamedRows"/> rows in the whole product (never the thread's share, so every split
    /// takes the same route).
    /// </summary>
    public static bool PacksBPanelByPanel(in GemmProblem g) => g.TransB == Transpose.No && g.M <= GemmBlocking.StreamedRows;

    /// <summary>
    /// One K block of a product with few rows, B not packed ahead: for each NR-column panel of B (KC rows at a stride
    /// of ldb), the panel is copied into contiguous scratch and every MR-row panel of A runs on that copy. Each value of
    /// B is then read from memory once and used M times from L1, which is what packing all of B would have bought,
    /// without the separate pass over B that cost a quarter of a 64 x 768 x 3072 product.
    /// The copy matters: read in place, a panel's rows are ldb apart (12 KiB in that product, a multiple of 4 KiB),
    /// so all of them fall into the same few L1 sets and evict each other between row panels of A; copied, the panel
    /// is 16 KiB (AVX2) or 32 KiB (AVX-512) in a row. Measured one thread, 64 x 768 x 3072 on Zen 5: AVX2 55 to 80
    /// GFLOP/s, AVX-512 91 to 140. The rows are too far apart for the hardware prefetcher as well, so the panel two
    /// ahead is prefetched a share at a time before each micro-kernel call.
    /// </summary>
    private static void RunPanelByPanel<TKernel, TPackB>(in GemmProblem g, in Block block, float* packedA, float* packedB, float* edge, int j0, int j1)
        where TKernel : struct, IGemmMicroKernel
        where TPackB : struct, IGemmPackB
    {
        const int Ahead = 2;
        int mr = TKernel.MR, nr = TKernel.NR;
        int kc = block.Kc, panelsOfA = (block.Mc + mr - 1) / mr;
        nint ldb = g.Ldb;
        float* rowsOfB = g.B + (long)block.Pc * ldb;
        for (int jr = j0; jr < j1; jr += nr)
        {
            int cols = Math.Min(nr, j1 - jr);
            // NR columns of KC rows, contiguous; a last, partial panel is padded with zeros to NR.
            TPackB.PackB(g, block.Pc, jr, kc, cols, nr, packedB);
            float* ahead = jr + (Ahead + 1) * nr <= j1 ? rowsOfB + jr + Ahead * nr : null;
            for (int ir = 0, share = 0; ir < block.Mc; ir += mr, share++)
            {
                if (ahead != null)
                {
                    PrefetchRows(ahead, ldb, kc * share / panelsOfA, kc * (share + 1) / panelsOfA, nr);
                }
                Tile<TKernel>(g, block, packedA + (long)ir * kc, packedB, nr, block.Ic + ir, jr, Math.Min(mr, block.Mc - ir), cols, edge);
            }
        }
    }

    /// <summary>Asks for rows [p0, p1) of an NR-wide panel (stride ldb) to be brought towards L2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(float* panel, nint ldb, int p0, int p1, int nr)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        for (int p = p0; p < p1; p++)
        {
            float* row = panel + p * ldb;
            for (int q = 0; q < nr; q += 16)
            {
                Sse.Prefetch1(row + q);
            }
            Sse.Prefetch1(row + nr - 1);
        }
    }

    /// <summary>One MR x NR tile of C at (<paramref name="i"/>, <paramref name="j"/>), of which rows x cols are real.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TKernel>(in GemmProblem g, in Block block, float* a, float* b, nint ldb, int i, int j, int rows, int cols, float* edge)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        nint ldc = g.Ldc;
        float* c = g.C + i * ldc + j;
        if (rows == mr && cols == nr)
        {
            TKernel.Run(block.Kc, a, b, ldb, c, ldc, g.Alpha, block.Beta);
        }
        else
        {
            // Edge tile: the same kernel over the zero-padded panels, into a private tile.
            TKernel.Run(block.Kc, a, b, ldb, edge, nr, 1f, 0f);
            MergeEdge(edge, nr, c, ldc, rows, cols, g.Alpha, block.Beta);
        }
        if (block.Last && g.HasEpilogue)
        {
            GemmEpilogue.Apply(c, ldc, rows, cols, g.Bias == null ? null : g.Bias + j, g.Activation);
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

    /// <summary>Rows [Ic, Ic + Mc) of C against K block [Pc, Pc + Kc).</summary>
    private readonly struct Block(int ic, int mc, int pc, int kc, in GemmProblem g)
    {
        public int Ic { get; } = ic;

        public int Mc { get; } = mc;

        public int Pc { get; } = pc;

        public int Kc { get; } = kc;

        /// <summary>The first K block applies beta; later blocks accumulate onto what the first one wrote.</summary>
        public float Beta { get; } = pc == 0 ? g.Beta : 1f;

        /// <summary>Whether this is the last K block, after which the epilogue runs.</summary>
        public bool Last { get; } = pc + kc >= g.K;
    }
}
