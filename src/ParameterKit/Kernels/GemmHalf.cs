using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ParameterKit.Tensors;

namespace ParameterKit.Kernels;

/// <summary>
/// GEMM with a half-precision B: <c>C = act(alpha * op(A) * op(B) + beta * C + bias)</c> where A and C are float32 and
/// B holds bf16 or IEEE f16 bit patterns (the weights of a model kept in its checkpoint's dtype). Products are taken
/// on the exactly widened B values and accumulated in float32, so the result is the float32 GEMM's on the upcast
/// matrix, up to the order of additions; thread counts never change it.
/// </summary>
/// <remarks>
/// <para>Routes, by shape (never by timing):</para>
/// <list type="bullet">
/// <item>M = 1 (a token being generated): B is read where it is stored, two bytes per weight, and widened in registers
/// (<see cref="GemmVectorHalf"/>): half the bytes of the float32 matrix-vector kernels, which are bound by memory
/// bandwidth.</item>
/// <item>N &lt;= <see cref="GemmPlanner.NarrowLimit"/>: op(B) is small (at most 8 x K); it is widened once into
/// per-thread scratch and the float32 planner takes the call (narrow and column-vector kernels).</item>
/// <item>Otherwise the float32 blocked driver and micro-kernels, with B widened while it is packed
/// (<see cref="GemmPackingHalf"/>).</item>
/// </list>
/// <para>
/// AVX-512 BF16's <c>vdpbf16ps</c> is not used: .NET 10 does not expose it, and it would round A to bf16 as well,
/// which changes the results from those of a float32 A. Nor is <c>vcvtph2ps</c> (not exposed either): f16 widens
/// with integer and float arithmetic (<see cref="GemmFloat16Bits"/>; in the matrix-vector kernels a shorter form that is
/// exact on finite values and redoes the rare row holding an infinity or a NaN, <see cref="GemmFloat16FiniteBits"/>).
/// </para>
/// </remarks>
internal static unsafe class GemmHalf
{
    /// <summary>Most floats of op(B) widened up front for a narrow product (4 MiB); wider ones take the blocked route.</summary>
    public const int SmallOperandCapacity = 1 << 20;

    /// <summary>As <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, ReadOnlySpan{float}, GemmActivation)"/> with B in half precision, on the best path with the process-wide options.</summary>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<ushort> b, DType bType, int ldb,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation) =>
        Multiply(GemmDispatch.Best, GemmOptions.MaxDegreeOfParallelism, GemmOptions.ParallelThreshold,
            transA, transB, m, n, k, alpha, a, lda, b, bType, ldb, beta, c, ldc, bias, activation);

    /// <summary>The full entry point, on a chosen <paramref name="path"/> and thread count (tests cover every one).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bType"/> is neither BF16 nor F16, or a dimension is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
    public static void Multiply(
        GemmPath path, int maxThreads, long parallelThreshold,
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<ushort> b, DType bType, int ldb,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation)
    {
        if (bType is not (DType.BF16 or DType.F16))
        {
            ThrowType(bType);
        }
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmArguments.ValidateEpilogue(n, bias.Length, activation);
        GemmArguments.ValidateExecution(path, maxThreads);

        fixed (float* pa = a, pc = c, pbias = bias)
        fixed (ushort* pb = b)
        {
            var problem = new GemmProblem
            {
                TransA = transA,
                TransB = transB,
                M = m,
                N = n,
                K = k,
                Alpha = alpha,
                Beta = beta,
                A = pa,
                Lda = lda,
                BHalf = pb,
                BType = bType,
                Ldb = ldb,
                C = pc,
                Ldc = ldc,
                Bias = bias.IsEmpty ? null : pbias,
                Activation = activation,
            };
            Run(problem, path, maxThreads, parallelThreshold);
        }
    }

    private static void Run(in GemmProblem g, GemmPath path, int maxThreads, long parallelThreshold)
    {
        if (g.M == 0 || g.N == 0)
        {
            return;
        }
        if (g.K == 0 || g.Alpha == 0)
        {
            GemmPlanner.ScaleOnly(g);
            return;
        }
        if (g.M > 1 && g.N <= GemmPlanner.NarrowLimit && (long)g.N * g.K <= SmallOperandCapacity)
        {
            RunWidened(g, path, maxThreads, parallelThreshold);
            return;
        }

        long flops = 2L * g.M * g.N * g.K;
        long work = g.M == 1 || g.N == 1 ? flops * GemmPlanner.MatrixVectorWeight : flops;
        int threads = work < parallelThreshold ? 1 : maxThreads;
        GemmHalfTask task = GemmHalfTask.Current;
        task.Problem = g;
        task.Path = path;
        task.WidenExactly = false;
        float* x = g.M == 1 ? RowOfA(g) : null;
        if (x != null)
        {
            // Dot form for B stored N x K (the tied head, wte), axpy form for K x N (Conv1D weights as stored).
            task.Strategy = g.TransB == Transpose.Yes ? GemmStrategy.Dot : GemmStrategy.Axpy;
            task.X = x;
            // f16's fast widening pairs with x times 2^112, which only |x| < 2^16 survives (GemmFloat16FiniteBits).
            task.WidenExactly = g.BType == DType.F16 && !GemmFloat16FiniteBits.FitsInputScale(new ReadOnlySpan<float>(x, g.K));
            if (task.Strategy == GemmStrategy.Dot)
            {
                int width = path switch
                {
                    GemmPath.Avx512 => GemmVectorOps512.Count,
                    GemmPath.Avx2 => GemmVectorOps256.Count,
                    _ => GemmVectorOpsPortable.Count,
                };
                task.XPairs = WidenScratch.Rent(g.K);
                GemmVectorHalf.Deinterleave(x, g.K, width, task.XScale, task.XPairs);
            }
            task.SplitK = task.Strategy == GemmStrategy.Axpy && g.N <= GemmVector.AxpyChunk && g.K >= 8 * GemmHalfTask.AxpySlices;
            if (task.SplitK)
            {
                // Split K, not the columns: each thread streams whole rows of W, strictly in order, which two threads
                // sharing every row (half the columns each) did not: 16-23 GB/s against 22-29 on one thread for GPT-2's
                // bf16 Conv1D weights on a Zen 5, where whole rows per thread reached 28-31. The slices are fixed by the
                // shape and their partial sums added in slice order, so the bits do not depend on the thread count.
                task.Extent = g.K;
                task.UnitSize = (g.K + 8 * GemmHalfTask.AxpySlices - 1) / (8 * GemmHalfTask.AxpySlices) * 8;
                task.Partials = WidenScratch.Rent(GemmHalfTask.AxpySlices * g.N);
            }
            else
            {
                task.Extent = g.N;
                task.UnitSize = 64;
            }
        }
        else
        {
            (int mr, int nr) = path switch
            {
                GemmPath.Avx512 => (GemmMicroKernelAvx512.MR, GemmMicroKernelAvx512.NR),
                GemmPath.Avx2 => (GemmMicroKernelAvx2.MR, GemmMicroKernelAvx2.NR),
                _ => (GemmMicroKernelPortable.MR, GemmMicroKernelPortable.NR),
            };
            task.Strategy = GemmStrategy.Blocked;
            task.SplitK = false;
            // A row split makes every thread widen and pack all of B, which only pays when A is tall enough to reuse it.
            task.SplitColumns = g.M <= GemmBlocking.StreamedRows || (long)g.N >= 8L * g.M;
            task.Extent = task.SplitColumns ? g.N : g.M;
            task.UnitSize = task.SplitColumns ? nr : mr;
        }
        task.Parts = Math.Max(1, Math.Min(threads, task.Units));
        GemmWorkerPool.Shared.Run(task, task.Parts);
        if (task.Strategy == GemmStrategy.Axpy && task.SplitK)
        {
            AddSlices(task);
        }
    }

    /// <summary>Adds the slices' partial sums in slice order into the first, then writes C as the kernels do.</summary>
    private static void AddSlices(GemmHalfTask task)
    {
        ref readonly GemmProblem g = ref task.Problem;
        var sums = new Span<float>(task.Partials, g.N);
        for (int slice = 1; slice < task.Units; slice++)
        {
            TensorPrimitives.Add(sums, new ReadOnlySpan<float>(task.Partials + (long)slice * g.N, g.N), sums);
        }
        for (int j = 0; j < g.N; j++)
        {
            GemmVector.Write(g.C, 1, j, sums[j], g.Alpha, g.Beta, g.Bias, 1, g.Activation);
        }
    }

    /// <summary>The only row of op(A) as a contiguous vector (copied to scratch when A is stored transposed); null if it does not fit.</summary>
    private static float* RowOfA(in GemmProblem g)
    {
        if (g.TransA == Transpose.No)
        {
            return g.A;
        }
        if (g.K > GemmScratch.BCapacity)
        {
            return null;
        }
        float* buffer = GemmScratch.Current.B;
        for (int p = 0; p < g.K; p++)
        {
            buffer[p] = g.A[(long)p * g.Lda];
        }
        return buffer;
    }

    /// <summary>Few columns: widen op(B) (at most <see cref="SmallOperandCapacity"/> floats) once, then run the float32 planner.</summary>
    private static void RunWidened(in GemmProblem g, GemmPath path, int maxThreads, long parallelThreshold)
    {
        int rows = g.TransB == Transpose.No ? g.K : g.N, cols = g.TransB == Transpose.No ? g.N : g.K;
        float* widened = WidenScratch.Rent(rows * cols);
        for (int r = 0; r < rows; r++)
        {
            GemmPackingHalf.Widen(g.BType, g.BHalf + (long)r * g.Ldb, widened + (long)r * cols, cols);
        }
        GemmProblem single = g;
        single.BHalf = null;
        single.B = widened;
        single.Ldb = cols;
        GemmPlanner.Run(single, path, maxThreads, parallelThreshold);
    }

    [DoesNotReturn]
    private static void ThrowType(DType bType) =>
        throw new ArgumentOutOfRangeException(nameof(bType), bType, $"A half-precision GEMM takes B as BF16 or F16, not {bType.SafeTensorsName()}.");

    /// <summary>
    /// Per-thread native buffer for a widened narrow B (or x deinterleaved, or the axpy form's partial sums), grown to the largest request and then reused, so steady-state
    /// calls allocate nothing; freed when the thread's last reference goes.
    /// </summary>
    private sealed class WidenScratch
    {
        [ThreadStatic]
        private static WidenScratch? current;

        private float* _buffer;
        private int _capacity;

        ~WidenScratch()
        {
            NativeMemory.AlignedFree(_buffer);
        }

        public static float* Rent(int floats)
        {
            WidenScratch scratch = current ??= new WidenScratch();
            if (scratch._capacity < floats)
            {
                NativeMemory.AlignedFree(scratch._buffer);
                scratch._buffer = null;
                scratch._buffer = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
                scratch._capacity = floats;
            }
            return scratch._buffer;
        }
    }
}
