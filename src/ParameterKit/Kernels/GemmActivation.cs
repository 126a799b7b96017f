namespace ParameterKit.Kernels;

/// <summary>
/// The element-wise activation a fused GEMM epilogue applies to each element of C after the bias,
/// in the same pass over C (see <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, ReadOnlySpan{float}, GemmActivation)"/>).
/// </summary>
public enum GemmActivation
{
    /// <summary>No activation: the identity.</summary>
    None = 0,

    /// <summary>Rectified linear unit: <c>max(x, 0)</c>.</summary>
    Relu = 1,

    /// <summary>
    /// GELU with GPT-2's tanh approximation: <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>.
    /// </summary>
    GeluTanh = 2,

    /// <summary>
    /// SiLU (swish), the gate activation of the Llama family's MLP: <c>x · sigmoid(x) = x / (1 + exp(-x))</c>.
    /// </summary>
    Silu = 3,
}
