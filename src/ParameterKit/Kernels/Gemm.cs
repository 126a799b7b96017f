namespace ParameterKit.Kernels;

/// <summary>
/// Single-precision general matrix multiply in BLAS shape, row-major:
/// <c>C = alpha * op(A) * op(B) + beta * C</c>, where op(A) is M x K, op(B) is K x N and C is M x N.
/// </summary>
/// <remarks>
/// <para>
/// Built like BLIS and OpenBLAS: blocks of op(A) and op(B) are packed into per-thread scratch sized for the
/// caches and a register-blocked micro-kernel (AVX-512, AVX2 + FMA, or portable <see cref="System.Numerics.Vector{T}"/>,
/// chosen once per process) computes C tile by tile. Matrix-vector products (M = 1 or N = 1) and very narrow ones
/// skip packing and stream their operands once. Large products are split across up to
/// <see cref="GemmOptions.MaxDegreeOfParallelism"/> threads; the split never changes the result.
/// </para>
/// <para>
/// Calls are thread-safe and, once each thread has made its first call, allocate nothing.
/// A Linear layer's forward pass is <c>Multiply(Transpose.No, Transpose.Yes, B*T, OC, C, 1, x, C, w, C, 0, y, OC, bias, activation)</c>.
/// </para>
/// </remarks>
public static class Gemm
{
    /// <summary>Computes <c>C = alpha * op(A) * op(B) + beta * C</c> (row-major, BLAS semantics).</summary>
    /// <param name="transA">Whether A is stored transposed (then A is K x M with leading dimension <paramref name="lda"/>).</param>
    /// <param name="transB">Whether B is stored transposed (then B is N x K with leading dimension <paramref name="ldb"/>).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Matrix A.</param>
    /// <param name="lda">Distance in elements between consecutive stored rows of A.</param>
    /// <param name="b">Matrix B.</param>
    /// <param name="ldb">Distance in elements between consecutive stored rows of B.</param>
    /// <param name="beta">Scale of the previous C; when 0, C is write-only (its old contents are ignored, even NaN).</param>
    /// <param name="c">Matrix C, M x N.</param>
    /// <param name="ldc">Distance in elements between consecutive rows of C.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="transA"/> or <paramref name="transB"/> is not a defined value, a dimension is negative, or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Multiply(GemmDispatch.Best, GemmOptions.MaxDegreeOfParallelism, GemmOptions.ParallelThreshold,
            transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, GemmActivation.None);
    }

    /// <summary>
    /// Computes <c>C = act(alpha * op(A) * op(B) + beta * C + bias)</c>, the bias broadcast along the rows
    /// (<c>bias[j]</c> added to column j), with the bias and activation fused into the pass that writes C.
    /// </summary>
    /// <example>
    /// A Linear layer with GELU, <c>y[B*T, OC] = gelu(x[B*T, C] · w[OC, C]ᵀ + bias[OC])</c>:
    /// <code>
    /// Gemm.Multiply(Transpose.No, Transpose.Yes, bt, oc, ch, 1f, x, ch, w, ch, 0f, y, oc, bias, GemmActivation.GeluTanh);
    /// </code>
    /// </example>
    /// <param name="transA">Whether A is stored transposed (then A is K x M with leading dimension <paramref name="lda"/>).</param>
    /// <param name="transB">Whether B is stored transposed (then B is N x K with leading dimension <paramref name="ldb"/>).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Matrix A.</param>
    /// <param name="lda">Distance in elements between consecutive stored rows of A.</param>
    /// <param name="b">Matrix B.</param>
    /// <param name="ldb">Distance in elements between consecutive stored rows of B.</param>
    /// <param name="beta">Scale of the previous C; when 0, C is write-only (its old contents are ignored, even NaN).</param>
    /// <param name="c">Matrix C, M x N.</param>
    /// <param name="ldc">Distance in elements between consecutive rows of C.</param>
    /// <param name="bias">Bias per column of C, length N; empty for none.</param>
    /// <param name="activation">Activation applied to every element of C after the bias.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="transA"/> or <paramref name="transB"/> is not a defined value, a dimension is negative, a leading dimension is too small, or <paramref name="activation"/> is not defined.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix, or <paramref name="bias"/> is neither empty nor of length N.</exception>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation)
    {
        Multiply(GemmDispatch.Best, GemmOptions.MaxDegreeOfParallelism, GemmOptions.ParallelThreshold,
            transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, activation);
    }

    /// <summary>
    /// The full entry point: as the public overloads, on a chosen instruction-set <paramref name="path"/> with at most
    /// <paramref name="maxThreads"/> threads, splitting only products of at least <paramref name="parallelThreshold"/>
    /// floating-point operations. Tests use it to cover every path and thread count.
    /// </summary>
    internal static unsafe void Multiply(
        GemmPath path, int maxThreads, long parallelThreshold,
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, ReadOnlySpan<float> bias, GemmActivation activation)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmArguments.ValidateEpilogue(n, bias.Length, activation);
        GemmArguments.ValidateExecution(path, maxThreads);

        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
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
                B = pb,
                Ldb = ldb,
                C = pc,
                Ldc = ldc,
                Bias = bias.IsEmpty ? null : pbias,
                Activation = activation,
            };
            GemmPlanner.Run(problem, path, maxThreads, parallelThreshold);
        }
    }
}
