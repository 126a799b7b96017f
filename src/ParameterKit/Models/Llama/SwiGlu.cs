namespace ParameterKit.Models.Llama;

/// <summary>The gate of Llama's MLP: <c>y = SiLU(g) ⊙ u</c>, with SiLU(g) = g·σ(g) = g / (1 + e^−g), as PyTorch's <c>F.silu</c>.</summary>
internal static class SwiGlu
{
    /// <summary>destination[i] = SiLU(gate[i]) · up[i]; <paramref name="destination"/> may be <paramref name="gate"/>.</summary>
    public static void Forward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> destination)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            float g = gate[i];
            destination[i] = g / (1f + MathF.Exp(-g)) * up[i];
        }
    }

    /// <summary>
    /// With y = SiLU(g)·u: dg = dy·u·SiLU'(g), SiLU'(g) = σ(g)·(1 + g·(1 − σ(g))), and du = dy·SiLU(g).
    /// <paramref name="gateGradient"/> may be <paramref name="outputGradient"/>.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> outputGradient, Span<float> gateGradient, Span<float> upGradient)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            float g = gate[i], dy = outputGradient[i], sigmoid = 1f / (1f + MathF.Exp(-g));
            upGradient[i] = dy * g * sigmoid;
            gateGradient[i] = dy * up[i] * sigmoid * (1f + g * (1f - sigmoid));
        }
    }
}
