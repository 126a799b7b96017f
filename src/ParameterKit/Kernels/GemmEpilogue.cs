using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Kernels;

/// <summary>
/// The fused epilogue: adds a bias per column and applies a <see cref="GemmActivation"/>. The blocked driver
/// calls it on each finished C tile while the tile is still in L1, so a Linear layer's bias and activation
/// cost no extra trip through memory.
/// </summary>
internal static unsafe class GemmEpilogue
{
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
        // MathF.Max keeps NaN, as Vector256.Max below and the Relu layer's TensorPrimitives.Max do: a comparison
        // (x > 0 ? x : 0) would turn NaN into 0 in the scalar columns only, hiding a diverged model's NaN by position.
        GemmActivation.Relu => MathF.Max(x, 0f),
        // The activations' one home (Kernels/Numerics), so a fused epilogue and a separate layer agree bit for bit.
        GemmActivation.GeluTanh => GeluTanh.Forward(x),
        GemmActivation.Silu => Silu.Forward(x),
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
        GemmActivation.GeluTanh => GeluTanh.Forward(x),
        GemmActivation.Silu => Silu.Forward(x),
        _ => x,
    };
}
