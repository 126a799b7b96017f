using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels;

/// <summary>
/// The fused epilogue: adds a bias per column and applies a <see cref="GemmActivation"/>. The blocked driver
/// calls it on each finished C tile while the tile is still in L1, so a Linear layer's bias and activation
/// cost no extra trip through memory.
/// </summary>
internal static unsafe class GemmEpilogue
{
    // sqrt(2 / pi), GPT-2's constant for the tanh approximation of GELU.
    private const float GeluScale = 0.7978845608028654f;
    private const float GeluCubic = 0.044715f;

    /// <summary>
    /// <c>C[r, j] = act(C[r, j] + bias[j])</c> for r &lt; <paramref name="rows"/>, j &lt; <paramref name="cols"/>;
    /// <paramref name="bias"/> may be null (no bias).
    /// </summary>
    public static void Apply(float* c, nint ldc, int rows, int cols, float* bias, GemmActivation activation)
    {
        for (int r = 0; r < rows; r++)
        {
            ApplyRow(c + r * ldc, cols, bias, activation);
        }
    }

    /// <summary>Applies <paramref name="activation"/> to one value (the scalar twin of the vector code below).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Activate(float x, GemmActivation activation) => activation switch
    {
        GemmActivation.Relu => x > 0 ? x : 0,
        // 0.5 x (1 + tanh(u)) = x * sigmoid(2u) = x / (1 + exp(-2u)); the last form needs one exp and saturates
        // cleanly: for very negative x the exp overflows to infinity and the result is -0.
        GemmActivation.GeluTanh => x / (1 + MathF.Exp(-2 * GeluScale * (x + GeluCubic * x * x * x))),
        _ => x,
    };

    private static void ApplyRow(float* x, int n, float* bias, GemmActivation activation)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> v = Vector256.Load(x + j);
                if (bias != null)
                {
                    v += Vector256.Load(bias + j);
                }
                Vector256.Store(Activate(v, activation), x + j);
            }
        }
        for (; j < n; j++)
        {
            float v = bias != null ? x[j] + bias[j] : x[j];
            x[j] = Activate(v, activation);
        }
    }

    private static Vector256<float> Activate(Vector256<float> x, GemmActivation activation) => activation switch
    {
        GemmActivation.Relu => Vector256.Max(x, Vector256<float>.Zero),
        GemmActivation.GeluTanh => x / (Vector256<float>.One + Vector256.Exp(
            Vector256.Create(-2 * GeluScale) * (x + Vector256.Create(GeluCubic) * x * x * x))),
        _ => x,
    };
}
