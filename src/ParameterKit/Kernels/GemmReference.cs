namespace ParameterKit.Kernels;

/// <summary>
/// The algorithmic reference for <see cref="Gemm"/>: the textbook triple loop, accumulating in double.
/// It is slow on purpose and kept beside the fast kernel so tests can compare them over random shapes.
/// </summary>
internal static class GemmReference
{
    /// <summary>C = alpha * op(A) * op(B) + beta * C, row-major, with the same contract as <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.</summary>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float aip = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
                    float bpj = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                    sum += (double)aip * bpj;
                }
                // beta == 0 must ignore C entirely (it may hold NaN garbage), as BLAS specifies.
                double previous = beta == 0 ? 0 : (double)beta * c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + previous);
            }
        }
    }
}
