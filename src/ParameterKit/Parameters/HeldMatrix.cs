using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// A matrix parameter held in half precision for inference (bf16 or f16 bit patterns): either a view into a
/// memory-mapped checkpoint or a native copy, owned by the store's <see cref="HalfPrecisionWeights"/>. It keeps the
/// layout the checkpoint stored it in, which for Hugging Face's Conv1D weights is the transpose of the declared
/// OC x C; the GEMM reads either layout, so no transpose is ever made.
/// </summary>
internal sealed unsafe class HeldMatrix
{
    private readonly HalfPrecisionWeights _owner;
    private readonly ushort* _data;

    public HeldMatrix(HalfPrecisionWeights owner, ushort* data, int storedRows, int storedColumns, bool storedTransposed, bool mapped)
    {
        _owner = owner;
        _data = data;
        StoredRows = storedRows;
        StoredColumns = storedColumns;
        StoredTransposed = storedTransposed;
        IsMapped = mapped;
    }

    /// <summary>bf16 or f16.</summary>
    public DType Type => _owner.Type;

    /// <summary>Rows as stored (the declared rows, or the declared columns when <see cref="StoredTransposed"/>).</summary>
    public int StoredRows { get; }

    /// <summary>Values per stored row: the leading dimension.</summary>
    public int StoredColumns { get; }

    /// <summary>Whether the matrix is stored as the transpose of its declared shape (a Conv1D weight, C x OC).</summary>
    public bool StoredTransposed { get; }

    /// <summary>Whether the values are read from the memory-mapped checkpoint (else a private copy).</summary>
    public bool IsMapped { get; }

    /// <summary>Bytes held: two per value.</summary>
    public long ByteCount => 2L * StoredRows * StoredColumns;

    /// <summary>The stored values, row-major as stored.</summary>
    /// <exception cref="ObjectDisposedException">The model that owns the weights was disposed.</exception>
    public ReadOnlySpan<ushort> Values
    {
        get
        {
            ObjectDisposedException.ThrowIf(_owner.IsDisposed, _owner);
            return new ReadOnlySpan<ushort>(_data, StoredRows * StoredColumns);
        }
    }

    /// <summary>Widens declared row <paramref name="row"/> (an embedding lookup) into <paramref name="destination"/>.</summary>
    public void WidenRow(int row, Span<float> destination)
    {
        ReadOnlySpan<ushort> values = Values;
        if (!StoredTransposed)
        {
            Widen(values.Slice(row * StoredColumns, StoredColumns), destination);
            return;
        }
        // A declared row is a stored column: gathered value by value (no model stores an embedding this way).
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ToSingle(values[i * StoredColumns + row]);
        }
    }

    private void Widen(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(source);
        if (Type == DType.BF16)
        {
            Tensors.Conversions.BFloat16Conversion.ToSingle(bytes, destination);
        }
        else
        {
            Tensors.Conversions.HalfConversion.ToSingle(bytes, destination);
        }
    }

    private float ToSingle(ushort bits) =>
        Type == DType.BF16 ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
}
