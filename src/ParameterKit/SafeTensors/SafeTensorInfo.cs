using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// One tensor's entry in a safetensors header: its name, dtype, shape and byte range. Reading an info never
/// touches tensor data.
/// </summary>
/// <remarks>
/// Dimensions are unsigned 64-bit because the format allows any u64 (a tensor <c>[0, 2^63, 4]</c> is valid and
/// empty). <see cref="Begin"/> and <see cref="End"/> are relative to the start of the byte buffer, which begins
/// right after the header, not to the start of the file.
/// <para>
/// An info is a view of one entry of its header, made the first time it is asked for and kept (a header stores its
/// tensors compactly, so that a header of a million tiny entries costs a small multiple of its size). Its name
/// becomes a string the first time <see cref="Name"/> is read.
/// </para>
/// </remarks>
public sealed class SafeTensorInfo
{
    private readonly ulong[] _dimensions;
    private string? _name;

    internal SafeTensorInfo(SafeTensorsHeader owner, int index, string? name)
    {
        Owner = owner;
        Index = index;
        _name = name;
        ref readonly TensorRecord record = ref owner.Table[index];
        DType = record.DType;
        Begin = record.Begin;
        End = record.End;
        _dimensions = new ulong[record.Rank];
        owner.Table.ReadDimensions(in record, _dimensions);
        ulong elements = 1;
        foreach (ulong d in _dimensions)
        {
            elements *= d; // cannot overflow: the header was validated
        }
        ElementCount = elements;
    }

    /// <summary>The header this tensor belongs to.</summary>
    internal SafeTensorsHeader Owner { get; }

    /// <summary>The tensor's position in <see cref="SafeTensorsHeader.Tensors"/>.</summary>
    internal int Index { get; }

    /// <summary>The tensor's name, for example <c>h.0.attn.c_attn.weight</c>.</summary>
    public string Name => _name ??= Owner.Table.Name(Index);

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The logical dimensions in C order; empty for a 0-d scalar.</summary>
    public ReadOnlySpan<ulong> Dimensions => _dimensions;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The first byte of the tensor, relative to the start of the byte buffer.</summary>
    public ulong Begin { get; }

    /// <summary>One past the last byte of the tensor, relative to the start of the byte buffer.</summary>
    public ulong End { get; }

    /// <summary>The tensor's size in bytes (<c>End - Begin</c>).</summary>
    public ulong ByteLength => End - Begin;

    /// <summary>The number of logical elements (the product of the dimensions; 1 for a scalar).</summary>
    public ulong ElementCount { get; }

    /// <summary>
    /// The dimensions as a ParameterKit <see cref="Tensors.Shape"/>, whose dimensions are 32-bit.
    /// </summary>
    /// <param name="shape">The shape, when every dimension fits in an <see cref="int"/>.</param>
    /// <returns><see langword="true"/> when every dimension fits.</returns>
    public bool TryGetShape(out Shape shape)
    {
        var dims = new int[_dimensions.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (_dimensions[i] > int.MaxValue)
            {
                shape = default;
                return false;
            }
            dims[i] = (int)_dimensions[i];
        }
        // A shape whose product overflows a long can only exist here with a zero dimension; Shape rejects it.
        try
        {
            shape = new Shape(dims);
            return true;
        }
        catch (InvalidShapeException)
        {
            shape = default;
            return false;
        }
    }

    /// <summary>The dimensions as a <see cref="Tensors.Shape"/>.</summary>
    /// <exception cref="InvalidShapeException">A dimension exceeds <see cref="int.MaxValue"/>.</exception>
    public Shape ToShape() => TryGetShape(out Shape shape)
        ? shape
        : throw new InvalidShapeException(Name, [], $"a dimension of {FormatDimensions()} does not fit in a 32-bit integer");

    /// <summary>Formats the dimensions as <c>[d0, d1, ...]</c>.</summary>
    public string FormatDimensions() => "[" + string.Join(", ", _dimensions) + "]";

    /// <summary>Describes the tensor as <c>name: DTYPE [dims] @ [begin, end)</c>.</summary>
    public override string ToString() => $"{Name}: {DType.SafeTensorsName()} {FormatDimensions()} @ [{Begin}, {End})";

}
