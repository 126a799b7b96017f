namespace ParameterKit.Kernels;

/// <summary>Argument checks shared by every GEMM entry point, so each failure names the argument at fault.</summary>
internal static class GemmArguments
{
    public static void Validate(
        Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        // Stored shapes: A is M x K (or K x M when transposed), B is K x N (or N x K).
        int aRows = transA == Transpose.No ? m : k, aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n, bCols = transB == Transpose.No ? n : k;
        CheckMatrix("a", "lda", aRows, aCols, aLength, lda);
        CheckMatrix("b", "ldb", bRows, bCols, bLength, ldb);
        CheckMatrix("c", "ldc", m, n, cLength, ldc);
    }

    private static void CheckMatrix(string name, string ldName, int rows, int cols, int length, int ld)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"Leading dimension {ldName} = {ld} is smaller than the {cols} stored columns of {name}.");
        }
        if (rows == 0 || cols == 0)
        {
            return;
        }
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"Span {name} holds {length} elements but a {rows} x {cols} matrix with {ldName} = {ld} needs {needed}.", name);
        }
    }
}
