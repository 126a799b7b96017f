namespace ParameterKit.Kernels;

/// <summary>
/// Decides how to compute one validated call: the strategy (blocked, matrix-vector or narrow), how many
/// threads, and where C is split between them. The choice depends only on the shape, the transposes and the
/// thread count, never on timing, so a given call always takes the same route.
/// </summary>
internal static unsafe class GemmPlanner
{
    /// <summary>Products with at most this many columns skip packing and take one dot product per element.</summary>
    /// <remarks>
    /// With N this small a packed NR-wide tile would be mostly padding; dot products along K use full vectors
    /// instead (the 32 x 64 x 3 case).
    /// </remarks>
    public const int NarrowLimit = 8;

    /// <summary>
    /// How many times its floating-point operations a matrix-vector product (M = 1 or N = 1) counts against
    /// <see cref="GemmOptions.ParallelThreshold"/>. Such a product reads each matrix value for two operations, so it
    /// runs at a third (matrix in cache) to an eighth (matrix in DRAM) of a packed product's rate, and a split pays
    /// for the wake-up sooner: 1 x 768 x 768 (1.2 MFLOP, under the threshold on its own) took 31.6 µs on one thread
    /// and 18.4 µs on two.
    /// </summary>
    public const int MatrixVectorWeight = 4;

    /// <summary>Outputs per unit of work when a matrix-vector product is split between threads.</summary>
    private const int VectorUnit = 64;

    /// <summary>Computes <paramref name="g"/> on <paramref name="path"/> with up to <paramref name="maxThreads"/> threads.</summary>
    public static void Run(in GemmProblem g, GemmPath path, int maxThreads, long parallelThreshold)
    {
        if (g.M == 0 || g.N == 0)
        {
            return;
        }
        if (g.K == 0 || g.Alpha == 0)
        {
            ScaleOnly(g);
            return;
        }

        long flops = 2L * g.M * g.N * g.K;
        long work = g.M == 1 || g.N == 1 ? flops * MatrixVectorWeight : flops;
        int threads = work < parallelThreshold ? 1 : maxThreads;
        if (g.M > 1 && g.N > 1 && g.N <= NarrowLimit && RunNarrow(g, path, threads))
        {
            return;
        }
        GemmTask task = GemmTask.Current;
        task.Problem = g;
        task.Path = path;
        GemmScratch scratch = GemmScratch.Current;

        if (!(g.M == 1 && PlanRowVector(task, g, scratch))
            && !(g.N == 1 && PlanColumnVector(task, g, scratch)))
        {
            PlanBlocked(task, g, path);
        }
        task.Parts = Math.Max(1, Math.Min(threads, task.Units));
        GemmWorkerPool.Shared.Run(task, task.Parts);
    }

    /// <summary>M = 1: one row of C, <c>c = x op(B)</c> with x the only row of op(A).</summary>
    private static bool PlanRowVector(GemmTask task, in GemmProblem g, GemmScratch scratch)
    {
        float* x = Contiguous(g.A, g.TransA == Transpose.No ? 1 : g.Lda, g.K, scratch.B, GemmScratch.BCapacity);
        if (x == null)
        {
            return false;
        }
        // B stored N x K (the logits product x wteᵀ) reads one stored row per output: dot form.
        // B stored K x N sums scaled stored rows: axpy form. Either way each weight is read once.
        SetVector(task, g.TransB == Transpose.Yes ? GemmStrategy.Dot : GemmStrategy.Axpy, x, g.B, g.Ldb, g.N, g.C, 1, 1);
        return true;
    }

    /// <summary>N = 1: one column of C, <c>c = op(A) x</c> with x the only column of op(B).</summary>
    private static bool PlanColumnVector(GemmTask task, in GemmProblem g, GemmScratch scratch)
    {
        float* x = Contiguous(g.B, g.TransB == Transpose.No ? g.Ldb : 1, g.K, scratch.B, GemmScratch.BCapacity);
        if (x == null)
        {
            return false;
        }
        // Every output shares bias[0], the bias of C's only column.
        SetVector(task, g.TransA == Transpose.No ? GemmStrategy.Dot : GemmStrategy.Axpy, x, g.A, g.Lda, g.M, g.C, g.Ldc, 0);
        return true;
    }

    /// <summary>
    /// 2 &lt;= N &lt;= <see cref="NarrowLimit"/>: dot products of rows of op(A) with columns of op(B). On one thread
    /// the kernel runs straight away: a product such as 32 x 64 x 3 takes about 200 ns, so the task and pool
    /// hand-off would be a fifth of it.
    /// </summary>
    private static bool RunNarrow(in GemmProblem g, GemmPath path, int threads)
    {
        if (!GemmNarrowOperands.TryPrepare(g, out GemmNarrowOperands operands))
        {
            return false;
        }
        if (threads == 1 || g.M <= GemmNarrow.RowsPerTile)
        {
            operands.Compute(g, path, 0, g.M);
            return true;
        }
        GemmTask task = GemmTask.Current;
        task.Problem = g;
        task.Path = path;
        task.Strategy = GemmStrategy.Narrow;
        task.Narrow = operands;
        task.Extent = g.M;
        task.UnitSize = GemmNarrow.RowsPerTile;
        task.Parts = Math.Min(threads, task.Units);
        GemmWorkerPool.Shared.Run(task, task.Parts);
        return true;
    }

    private static void PlanBlocked(GemmTask task, in GemmProblem g, GemmPath path)
    {
        (int mr, int nr) = path switch
        {
            GemmPath.Avx512 => (GemmMicroKernelAvx512.MR, GemmMicroKernelAvx512.NR),
            GemmPath.Avx2 => (GemmMicroKernelAvx2.MR, GemmMicroKernelAvx2.NR),
            _ => (GemmMicroKernelPortable.MR, GemmMicroKernelPortable.NR),
        };
        task.Strategy = GemmStrategy.Blocked;

        task.SplitColumns = SplitsColumns(g);
        task.Extent = task.SplitColumns ? g.N : g.M;
        task.UnitSize = task.SplitColumns ? nr : mr;
    }

    /// <summary>Whether a blocked product is split between threads by columns of C (else by rows).</summary>
    /// <remarks>
    /// Each thread packs all of the operand that is not split: A for a column split, B for a row split. Rows are
    /// the better split for square-ish products even though B is the larger copy, because a thread that owns
    /// half the columns packs B from half-rows (short runs at a stride, which the prefetcher follows poorly; see
    /// <see cref="GemmBlocking"/>). Measured on two threads, rows against
    /// columns: 512 x 768 x 768 179 and 160 GFLOP/s, 1024 cube 203 and 171, 512 x 768 x 2304 199-204 and 182.
    /// Columns win when B is much wider than A is tall (duplicating B would dominate) and when B is packed panel by
    /// panel (few rows: each thread would stream all of B from memory; 64 x 768 x 3072 101-110 and 86).
    /// </remarks>
    internal static bool SplitsColumns(in GemmProblem g) =>
        GemmBlocked.PacksBPanelByPanel(g) || (long)g.N >= 8L * g.M;

    private static void SetVector(GemmTask task, GemmStrategy strategy, float* x, float* w, int ldw, int outputs, float* y, nint yStride, nint biasStride)
    {
        task.Strategy = strategy;
        task.X = x;
        task.W = w;
        task.Ldw = ldw;
        task.Y = y;
        task.YStride = yStride;
        task.BiasStride = biasStride;
        task.Extent = outputs;
        task.UnitSize = VectorUnit;
    }

    /// <summary>The vector <paramref name="source"/>[p * stride], p &lt; k, as a contiguous pointer (copied when strided); null if it does not fit.</summary>
    private static float* Contiguous(float* source, int stride, int k, float* buffer, int capacity)
    {
        if (stride == 1)
        {
            return source;
        }
        if (k > capacity)
        {
            return null;
        }
        for (int p = 0; p < k; p++)
        {
            buffer[p] = source[(long)p * stride];
        }
        return buffer;
    }

    /// <summary>K = 0 or alpha = 0: <c>C = beta * C</c> (zero when beta is 0, whatever C held), then the epilogue.</summary>
    internal static void ScaleOnly(in GemmProblem g)
    {
        for (int i = 0; i < g.M; i++)
        {
            var row = new Span<float>(g.C + (nint)i * g.Ldc, g.N);
            if (g.Beta == 0)
            {
                row.Clear();
            }
            else if (g.Beta != 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, g.Beta, row);
            }
        }
        if (g.HasEpilogue)
        {
            GemmEpilogue.Apply(g.C, g.Ldc, g.M, g.N, g.Bias, g.Activation);
        }
    }
}
