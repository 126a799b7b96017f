namespace ParameterKit.Kernels;

/// <summary>Whether a GEMM operand is used as stored or transposed (BLAS's <c>op(X)</c>).</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored: op(X) = X.</summary>
    No = 0,
    /// <summary>Use the transpose of the stored matrix: op(X) = Xᵀ.</summary>
    Yes = 1,
}
