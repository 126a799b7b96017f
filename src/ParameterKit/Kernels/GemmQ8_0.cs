using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// Products with a Q8_0 weight: <c>C = act(A · Wᵀ + beta · C + bias)</c>, A (M x K) and C (M x N) float32, W (N x K)
/// held as llama.cpp's Q8_0 blocks (per row, K / 32 blocks of an F16 scale and 32 signed bytes: 1.0625 bytes per
/// weight). This is a Linear layer's forward with weights quantized to 8 bits.
/// </summary>
/// <remarks>
/// <para>Routes, by shape (never by timing):</para>
/// <list type="bullet">
/// <item>M &lt;= <see cref="IntegerRows"/> (generating, short prompts): each row of A is quantized to Q8_0 on the fly
/// (<see cref="Q8_0Activations"/>) and every output is an integer dot product of blocks, scaled per block in float32
/// (<see cref="GemmQ8_0Dot"/>): the arithmetic of llama.cpp's q8_0 x q8_0 dot, reading 1.0625 bytes per weight, a
/// quarter of the float32 kernels' bytes.</item>
/// <item>Taller A (long prompts, compute-bound): W is dequantized exactly, a panel of rows at a time, into per-thread
/// float32 scratch and the float32 GEMM takes each panel; A is not quantized, so this route only rounds the weights.</item>
/// </list>
/// Both routes give results independent of the thread count: the integer route splits N into whole units with one
/// thread and one order per output; the float32 route inherits the float32 GEMM's guarantee.
/// </remarks>
internal static unsafe class GemmQ8_0
{
    /// <summary>Rows of A up to which activations are quantized and the integer dot products run.</summary>
    public const int IntegerRows = 32;

    /// <summary>Most floats of W dequantized per panel on the float32 route (4 MiB).</summary>
    public const int PanelCapacity = 1 << 20;

    /// <summary>Bytes one row of K weights takes as Q8_0.</summary>
    public static long RowBytes(int k) => (long)k / GemmQ8_0Dot.Block * GemmQ8_0Dot.BlockBytes;

    /// <summary>As <see cref="Multiply(Q8_0Path, int, long, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{byte}, float, Span{float}, int, ReadOnlySpan{float}, GemmActivation)"/> on the best path with the process-wide options.</summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<byte> w,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation) =>
        Multiply(Q8_0Dispatch.Best, GemmOptions.MaxDegreeOfParallelism, GemmOptions.ParallelThreshold,
            m, n, k, a, lda, w, beta, c, ldc, bias, activation);

    /// <summary>The full entry point, on a chosen <paramref name="path"/> and thread count (tests cover every one).</summary>
    /// <param name="path">The instruction-set path; must be supported (<see cref="Q8_0Dispatch.IsSupported"/>).</param>
    /// <param name="maxThreads">The most threads to split N over.</param>
    /// <param name="parallelThreshold">Work (in weighted flops) below which one thread runs the call.</param>
    /// <param name="m">M: rows of A and C.</param>
    /// <param name="n">N: outputs, rows of W.</param>
    /// <param name="k">K: inputs, a multiple of 32.</param>
    /// <param name="a">A, M x K, row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A, at least K.</param>
    /// <param name="w">W, N rows of K / 32 Q8_0 blocks.</param>
    /// <param name="beta">Scale of the existing C (0 overwrites it).</param>
    /// <param name="c">C, M x N, row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C, at least N.</param>
    /// <param name="bias">N values added to every row, or empty.</param>
    /// <param name="activation">Applied last.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, K is not a multiple of 32, a stride is too small, or the path is not supported here.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix, or the bias is neither empty nor N long.</exception>
    public static void Multiply(Q8_0Path path, int maxThreads, long parallelThreshold,
        int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<byte> w,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation)
    {
        Validate(path, maxThreads, m, n, k, a, lda, w, c, ldc, bias);
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (float* pa = a, pc = c, pbias = bias)
        fixed (byte* pw = w)
        {
            float* biasPointer = bias.IsEmpty ? null : pbias;
            if (k == 0)
            {
                var empty = new GemmProblem { M = m, N = n, K = 0, Beta = beta, C = pc, Ldc = ldc, Bias = biasPointer, Activation = activation };
                GemmPlanner.ScaleOnly(empty);
                return;
            }
            if (m <= IntegerRows)
            {
                RunInteger(path, maxThreads, parallelThreshold, m, n, k, pa, lda, pw, beta, pc, ldc, biasPointer, activation);
            }
            else
            {
                RunDequantized(path, maxThreads, parallelThreshold, m, n, k, pa, lda, pw, beta, pc, ldc, biasPointer, activation);
            }
        }
    }

    private static void RunInteger(Q8_0Path path, int maxThreads, long parallelThreshold, int m, int n, int k,
        float* a, int lda, byte* w, float beta, float* c, int ldc, float* bias, GemmActivation activation)
    {
        int blocks = k / GemmQ8_0Dot.Block;
        Scratch scratch = Scratch.Current;
        scratch.Reserve(m * k, m * blocks);
        for (int r = 0; r < m; r++)
        {
            Q8_0Activations.QuantizeRow(a + (long)r * lda, k, scratch.Activations + (long)r * k, scratch.Scales + (long)r * blocks);
        }
        GemmQ8_0Task task = GemmQ8_0Task.Current;
        task.Path = path;
        task.Operands = new GemmQ8_0Operands
        {
            Weights = w,
            RowBytes = (nint)RowBytes(k),
            Blocks = blocks,
            K = k,
            M = m,
            N = n,
            Activations = scratch.Activations,
            ActivationScales = scratch.Scales,
            C = c,
            Ldc = ldc,
            Beta = beta,
            Bias = bias,
            Activation = activation,
        };
        // Weighted as the float32 planner weighs a matrix-vector product: each weight byte read feeds few operations.
        long work = 2L * m * n * k * GemmPlanner.MatrixVectorWeight;
        int threads = work < parallelThreshold ? 1 : maxThreads;
        task.Parts = Math.Max(1, Math.Min(threads, task.Units));
        GemmWorkerPool.Shared.Run(task, task.Parts);
    }

    /// <summary>Tall A: dequantize W a panel of rows at a time and let the float32 GEMM (with its own threads) take each panel.</summary>
    private static void RunDequantized(Q8_0Path path, int maxThreads, long parallelThreshold, int m, int n, int k,
        float* a, int lda, byte* w, float beta, float* c, int ldc, float* bias, GemmActivation activation)
    {
        int panel = Math.Max(GemmQ8_0Task.UnitSize, PanelCapacity / k / GemmQ8_0Task.UnitSize * GemmQ8_0Task.UnitSize);
        panel = Math.Min(panel, n);
        Scratch scratch = Scratch.Current;
        float* widened = scratch.Panel((long)panel * k);
        long rowBytes = RowBytes(k);
        for (int n0 = 0; n0 < n; n0 += panel)
        {
            int rows = Math.Min(panel, n - n0);
            Q8_0PanelDequantization.Run(w + n0 * rowBytes, widened, (long)rows * (k / GemmQ8_0Dot.Block), maxThreads);
            var problem = new GemmProblem
            {
                TransA = Transpose.No,
                TransB = Transpose.Yes,
                M = m,
                N = rows,
                K = k,
                Alpha = 1f,
                Beta = beta,
                A = a,
                Lda = lda,
                B = widened,
                Ldb = k,
                C = c + n0,
                Ldc = ldc,
                Bias = bias == null ? null : bias + n0,
                Activation = activation,
            };
            GemmPlanner.Run(problem, Q8_0Dispatch.FloatPath(path), maxThreads, parallelThreshold);
        }
    }

    private static void Validate(Q8_0Path path, int maxThreads, int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<byte> w,
        Span<float> c, int ldc, ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k % GemmQ8_0Dot.Block != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"A Q8_0 weight holds blocks of {GemmQ8_0Dot.Block} values along K; K = {k} is not a multiple of {GemmQ8_0Dot.Block}.");
        }
        if (lda < Math.Max(k, 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lda), lda, $"lda must be at least K = {k}.");
        }
        if (ldc < Math.Max(n, 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ldc), ldc, $"ldc must be at least N = {n}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxThreads);
        if (!Q8_0Dispatch.IsSupported(path))
        {
            throw new ArgumentOutOfRangeException(nameof(path), path, $"The {path} path is not supported on this machine.");
        }
        if (m > 0 && (long)(m - 1) * lda + k > a.Length)
        {
            throw new ArgumentException($"A ({m} x {k}, lda {lda}) needs {(long)(m - 1) * lda + k} floats; the span holds {a.Length}.", nameof(a));
        }
        long weightBytes = n * RowBytes(k);
        if (weightBytes > w.Length)
        {
            throw new ArgumentException($"W ({n} x {k} as Q8_0) needs {weightBytes} bytes; the span holds {w.Length}.", nameof(w));
        }
        if (m > 0 && (long)(m - 1) * ldc + n > c.Length)
        {
            throw new ArgumentException($"C ({m} x {n}, ldc {ldc}) needs {(long)(m - 1) * ldc + n} floats; the span holds {c.Length}.", nameof(c));
        }
        if (bias.Length != 0 && bias.Length != n)
        {
            throw new ArgumentException($"The bias must be empty or hold N = {n} values; it holds {bias.Length}.", nameof(bias));
        }
    }

    /// <summary>
    /// Per-thread native buffers (quantized activations and their scales, a dequantized panel), grown to the largest
    /// request and reused, so steady-state calls allocate nothing; freed when the thread's last reference goes.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? current;

        private long _activationCapacity, _scaleCapacity, _panelCapacity;
        private float* _panel;

        ~Scratch()
        {
            NativeMemory.AlignedFree(Activations);
            NativeMemory.AlignedFree(Scales);
            NativeMemory.AlignedFree(_panel);
        }

        public static Scratch Current => current ??= new Scratch();

        public sbyte* Activations { get; private set; }

        public float* Scales { get; private set; }

        public void Reserve(long activations, long scales)
        {
            if (_activationCapacity < activations)
            {
                NativeMemory.AlignedFree(Activations);
                Activations = null;
                Activations = (sbyte*)NativeMemory.AlignedAlloc((nuint)activations, 64);
                _activationCapacity = activations;
            }
            if (_scaleCapacity < scales)
            {
                NativeMemory.AlignedFree(Scales);
                Scales = null;
                Scales = (float*)NativeMemory.AlignedAlloc((nuint)scales * sizeof(float), 64);
                _scaleCapacity = scales;
            }
        }

        public float* Panel(long floats)
        {
            if (_panelCapacity < floats)
            {
                NativeMemory.AlignedFree(_panel);
                _panel = null;
                _panel = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
                _panelCapacity = floats;
            }
            return _panel;
        }
    }
}
