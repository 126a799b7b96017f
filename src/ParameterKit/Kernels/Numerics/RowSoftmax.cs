using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels.Numerics;

/// <summary>
/// The library's one softmax over a row: <c>p_j = e^(z_j − max z) / Σ_k e^(z_k − max z)</c>. The Softmax layer,
/// causal attention, the cross-entropy loss and the token sampler all call it, so a row gets the same
/// probabilities whether a model is training or generating.
/// </summary>
/// <remarks>
/// Subtracting the maximum keeps every exponential in (0, 1] (the largest is exactly 1), so nothing overflows.
/// The exponentials come from <see cref="Exponential"/> and their sum is accumulated in double, in a fixed order
/// for a given length (eight lanes, then the remainder), so a 50,000-entry vocabulary sums exactly to float
/// precision and the same row always gives the same bits.
/// </remarks>
internal static class RowSoftmax
{
    /// <summary>
    /// e_j = exp(z_j − <paramref name="shift"/>) into <paramref name="exponentials"/> (the same memory as
    /// <paramref name="z"/> or disjoint), returning Σ_j e_j in double. With shift = max z this is the numerator and
    /// denominator of the softmax; the loss also takes log Σ from it and the sampler draws from the unnormalized e.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static double ExpShiftedAndSum(ReadOnlySpan<float> z, float shift, Span<float> exponentials)
    {
        if (z.Length != exponentials.Length || (z.Overlaps(exponentials, out int offset) && offset != 0))
        {
            throw new ArgumentException($"Span z ({z.Length} elements) and exponentials ({exponentials.Length}) must have equal lengths and be the same memory or disjoint.", nameof(exponentials));
        }
        ref float x = ref MemoryMarshal.GetReference(z);
        ref float e = ref MemoryMarshal.GetReference(exponentials);
        int n = z.Length, i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            Vector256<float> s = Vector256.Create(shift);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Exponential.Exp(Vector256.LoadUnsafe(ref x, (nuint)i) - s);
                v.StoreUnsafe(ref e, (nuint)i);
                (Vector256<double> a, Vector256<double> b) = Vector256.Widen(v);
                low += a;
                high += b;
            }
            sum = Vector256.Sum(low + high);
        }
        for (; i < n; i++)
        {
            float v = Exponential.Exp(z[i] - shift);
            exponentials[i] = v;
            sum += v;
        }
        return sum;
    }

    /// <summary>p = softmax(z) for one row; <paramref name="p"/> is the same memory as <paramref name="z"/> or disjoint. An empty row is left empty.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap.</exception>
    public static void Forward(ReadOnlySpan<float> z, Span<float> p)
    {
        if (z.IsEmpty && p.IsEmpty)
        {
            return;
        }
        double sum = ExpShiftedAndSum(z, TensorPrimitives.Max(z), p);
        TensorPrimitives.Multiply(p, (float)(1.0 / sum), p);
    }

    /// <summary>
    /// The softmax backward for one row: <c>dz = p ⊙ (dp − Σ_j dp_j·p_j)</c>. <paramref name="dz"/> may be the memory of
    /// <paramref name="p"/> or of <paramref name="dp"/> (the dot product is taken before anything is written).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="dz"/> partly overlaps an input.</exception>
    public static void Backward(ReadOnlySpan<float> p, ReadOnlySpan<float> dp, Span<float> dz)
    {
        if (p.Length != dp.Length)
        {
            throw new ArgumentException($"Span p holds {p.Length} elements but dp holds {dp.Length}; they must be equal.", nameof(dp));
        }
        if (dz.Length != p.Length || (p.Overlaps(dz, out int a) && a != 0) || (dp.Overlaps(dz, out int b) && b != 0))
        {
            throw new ArgumentException($"Span dz holds {dz.Length} elements; it must match p ({p.Length}) and be the same memory as an input or disjoint from both.", nameof(dz));
        }
        float dot = TensorPrimitives.Dot(dp, p);
        int n = p.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> d = Vector256.Create(dot);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.Create(p[i..]) * (Vector256.Create(dp[i..]) - d)).CopyTo(dz[i..]);
            }
        }
        for (; i < n; i++)
        {
            dz[i] = p[i] * (dp[i] - dot);
        }
    }

    /// <summary>The algorithmic reference: the definition in double, one entry at a time.</summary>
    public static void ForwardReference(ReadOnlySpan<float> z, Span<double> p)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }
        for (int j = 0; j < z.Length; j++)
        {
            p[j] = Math.Exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.Length; j++)
        {
            p[j] /= sum;
        }
    }

    /// <summary>The reference backward in double: dz_j = p_j·(dp_j − Σ_k dp_k·p_k).</summary>
    public static void BackwardReference(ReadOnlySpan<float> p, ReadOnlySpan<float> dp, Span<double> dz)
    {
        double dot = 0;
        for (int j = 0; j < p.Length; j++)
        {
            dot += (double)dp[j] * p[j];
        }
        for (int j = 0; j < p.Length; j++)
        {
            dz[j] = p[j] * (dp[j] - dot);
        }
    }
}
