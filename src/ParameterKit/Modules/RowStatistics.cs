using System.Numerics.Tensors;

namespace ParameterKit.Modules;

/// <summary>Per-row moments shared by the normalization layers.</summary>
internal static class RowStatistics
{
    /// <summary>Mean and biased variance of <paramref name="x"/>, by two passes (stable for rows with a large mean).</summary>
    public static void MeanAndVariance(ReadOnlySpan<float> x, out float mean, out float variance)
    {
        mean = TensorPrimitives.Sum(x) / x.Length;
        float sumSquares = 0;
        foreach (float v in x)
        {
            float d = v - mean;
            sumSquares += d * d;
        }
        variance = sumSquares / x.Length;
    }
}
