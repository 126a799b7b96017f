using ParameterKit.Gguf;
using ParameterKit.Kernels;

namespace ParameterKit.Parameters;

/// <summary>
/// A matrix parameter held as Q8_0 blocks for inference: its declared rows (OC, or V for an embedding), each K / 32
/// blocks of an F16 scale and 32 signed bytes, in llama.cpp's byte layout, so a GGUF tensor already in Q8_0 is viewed
/// where the memory map holds it. Blocks run along the declared columns (the C a linear layer reduces over), which is
/// why a Conv1D weight stored C x OC is transposed once when it is quantized.
/// </summary>
internal sealed unsafe class Q8_0Matrix
{
    private readonly QuantizedWeights _owner;
    private readonly byte* _data;

    public Q8_0Matrix(QuantizedWeights owner, byte* data, int rows, int columns, bool mapped)
    {
        _owner = owner;
        _data = data;
        Rows = rows;
        Columns = columns;
        IsMapped = mapped;
    }

    /// <summary>Declared rows.</summary>
    public int Rows { get; }

    /// <summary>Declared columns, a multiple of 32.</summary>
    public int Columns { get; }

    /// <summary>Whether the blocks are read from a memory-mapped file (else a private copy).</summary>
    public bool IsMapped { get; }

    /// <summary>Bytes per row: <c>Columns / 32 · 34</c>.</summary>
    public long RowBytes => GemmQ8_0.RowBytes(Columns);

    /// <summary>Bytes held: 1.0625 per value.</summary>
    public long ByteCount => RowBytes * Rows;

    /// <summary>Every block, row after row.</summary>
    /// <exception cref="ObjectDisposedException">The model that owns the weights was disposed.</exception>
    public ReadOnlySpan<byte> Blocks
    {
        get
        {
            ObjectDisposedException.ThrowIf(_owner.IsDisposed, _owner);
            return new ReadOnlySpan<byte>(_data, checked((int)ByteCount));
        }
    }

    /// <summary>Dequantizes declared row <paramref name="row"/> (an embedding lookup) into <paramref name="destination"/>, exactly.</summary>
    public void DequantizeRow(int row, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_owner.IsDisposed, _owner);
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, Columns, nameof(destination));
        int blocks = Columns / Q8_0Blocks.Values;
        Q8_0Blocks.Dequantize(new ReadOnlySpan<byte>(_data + row * RowBytes, blocks * Q8_0Blocks.Bytes), destination, blocks);
    }
}
