using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ParameterKit.Kernels.Numerics;

/// <summary>A function of one value with a scalar and an eight-lane form that must agree bit for bit.</summary>
internal interface IUnaryFunction
{
    /// <summary>f(x).</summary>
    static abstract float Invoke(float x);

    /// <summary>f applied to each lane, by the same operations as the scalar form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>A function of two values (a backward pass: the input x and the output gradient dy) with agreeing forms.</summary>
internal interface IBinaryFunction
{
    /// <summary>f(x, dy).</summary>
    static abstract float Invoke(float x, float dy);

    /// <summary>f applied to each lane, by the same operations as the scalar form.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> dy);
}

/// <summary>
/// The drivers that run an element-wise function over spans: eight lanes at a time, then the scalar form for the
/// remainder. Because every function's two forms agree exactly, a value's result does not depend on the span's
/// length or on where in the span it sits.
/// </summary>
internal static class Elementwise
{
    /// <summary>destination[i] = F(source[i]).</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the spans partly overlap (same memory is fine).</exception>
    public static void Map<F>(ReadOnlySpan<float> source, Span<float> destination)
        where F : struct, IUnaryFunction
    {
        CheckDestination(source, destination, nameof(source));
        ref float x = ref MemoryMarshal.GetReference(source);
        ref float y = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                F.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = F.Invoke(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>destination[i] = F(x[i], dy[i]); the destination may be the same memory as either input.</summary>
    /// <exception cref="ArgumentException">The lengths differ, or the destination partly overlaps an input.</exception>
    public static void Map<F>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> destination)
        where F : struct, IBinaryFunction
    {
        CheckDestination(x, destination, nameof(x));
        CheckDestination(dy, destination, nameof(dy));
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(dy);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                F.Invoke(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = F.Invoke(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
        }
    }

    private static void CheckDestination(ReadOnlySpan<float> input, Span<float> destination, string inputName)
    {
        if (input.Length != destination.Length)
        {
            throw new ArgumentException($"Span {inputName} holds {input.Length} elements but the destination holds {destination.Length}; they must be equal.", inputName);
        }
        // A shifted overlap would let a vector store overwrite inputs of the next block before they are read.
        if (input.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException($"Span {inputName} and the destination overlap at an offset of {offset} elements; pass the same memory or disjoint memory.", inputName);
        }
    }
}
