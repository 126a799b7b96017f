namespace ParameterKit.Kernels;

/// <summary>
/// Single-precision general matrix multiply in BLAS shape, row-major:
/// <c>C = alpha * op(A) * op(B) + beta * C</c>, where op(A) is M x K, op(B) is K x N and C is M x N.
/// </summary>
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
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a leading dimension is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
