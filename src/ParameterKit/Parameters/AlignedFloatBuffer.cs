namespace ParameterKit.Parameters;

/// <summary>
/// A zeroed float32 buffer whose first element sits on a 64-byte boundary (one cache line, one AVX-512 vector): the
/// store's values and gradients. A managed array's elements start 16 bytes into the object, so without this every
/// parameter of a model whose tensor sizes are multiples of 16 floats (GPT-2's, Llama's) started the same 16 bytes
/// past a line, and every 64-byte load the matrix-vector kernels make of a weight touched two lines: token-by-token
/// generation, which streams every weight once per token, lost about a quarter of its memory bandwidth to it
/// (benchmarks/README.md, "Aligned parameter buffers").
/// </summary>
/// <remarks>
/// The array is allocated on the pinned object heap, so the garbage collector never moves it and the alignment found
/// once holds for its lifetime; up to 15 floats before the aligned start are unused. Alignment changes speed only:
/// the kernels' order of operations does not depend on addresses, so results are bit-for-bit those of any other buffer.
/// </remarks>
internal sealed class AlignedFloatBuffer
{
    /// <summary>The alignment of the first element, in bytes.</summary>
    public const int Alignment = 64;

    private const int SlackFloats = Alignment / sizeof(float) - 1;

    /// <summary>The most floats one buffer holds: one array's limit less the floats that may be skipped to align.</summary>
    public static int MaxLength => Array.MaxLength - SlackFloats;

    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Allocates <paramref name="length"/> zeroed floats starting on a 64-byte boundary.</summary>
    /// <param name="length">Number of floats, at most <see cref="MaxLength"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or too large for one array.</exception>
    public unsafe AlignedFloatBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        Length = (int)length;
        _array = GC.AllocateArray<float>(Length + SlackFloats, pinned: true);
        fixed (float* first = _array)
        {
            // Floats to skip until the next 64-byte boundary: the array's start is at least 4-byte aligned.
            _start = (int)((Alignment - ((nuint)first % Alignment)) % Alignment / sizeof(float));
        }
    }

    /// <summary>Number of usable floats.</summary>
    public int Length { get; }

    /// <summary>The whole buffer.</summary>
    public Span<float> Span => _array.AsSpan(_start, Length);

    /// <summary><paramref name="count"/> floats from <paramref name="offset"/>.</summary>
    /// <param name="offset">Index of the first float.</param>
    /// <param name="count">Number of floats.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the buffer.</exception>
    public Span<float> Slice(long offset, long count)
    {
        if ((ulong)offset > (ulong)Length || (ulong)count > (ulong)(Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Floats {offset}..{offset + count} are outside a buffer of {Length}.");
        }
        return _array.AsSpan(_start + (int)offset, (int)count);
    }
}
