using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// One tensor of a <see cref="SafeTensorsHeader"/>, read in place from the header's compact storage: the name as
/// the header's UTF-8 bytes, the dtype, the dimensions copied into a caller's span, the byte range. Unlike a
/// <see cref="SafeTensorInfo"/>, an entry is a 16-byte value that allocates nothing and is not kept by the header,
/// so a tool can walk a header of a million tensors (to print, count or group them) in memory that does not grow
/// with the number of tensors.
/// </summary>
/// <example>
/// Writing every tensor's name and element count without making a string per tensor:
/// <code>
/// SafeTensorsHeader header = SafeTensorsHeader.ReadFile("model.safetensors");
/// using Stream stdout = Console.OpenStandardOutput();
/// for (int i = 0; i &lt; header.Tensors.Count; i++)
/// {
///     SafeTensorEntry entry = header.GetEntry(i);
///     stdout.Write(entry.NameUtf8);
///     stdout.Write(System.Text.Encoding.UTF8.GetBytes($" {entry.ElementCount}\n"));
/// }
/// </code>
/// </example>
public readonly struct SafeTensorEntry
{
    private readonly TensorTable _table;
    private readonly int _index;

    internal SafeTensorEntry(TensorTable table, int index)
    {
        _table = table;
        _index = index;
    }

    /// <summary>The tensor's position in <see cref="SafeTensorsHeader.Tensors"/>.</summary>
    public int Index => _index;

    /// <summary>The name's UTF-8 bytes (unescaped), a view valid as long as the header lives.</summary>
    public ReadOnlySpan<byte> NameUtf8 => _table.NameBytes(in _table[_index]);

    /// <summary>The element type.</summary>
    public DType DType => _table[_index].DType;

    /// <summary>The number of dimensions, at most <see cref="SafeTensorsHeader.MaxRank"/>.</summary>
    public int Rank => _table[_index].Rank;

    /// <summary>The first byte of the tensor, relative to the start of the byte buffer.</summary>
    public ulong Begin => _table[_index].Begin;

    /// <summary>One past the last byte, relative to the start of the byte buffer.</summary>
    public ulong End => _table[_index].End;

    /// <summary>The tensor's size in bytes (<c>End - Begin</c>).</summary>
    public ulong ByteLength => End - Begin;

    /// <summary>The number of logical elements (the product of the dimensions; 1 for a scalar).</summary>
    /// <remarks>Read from the header text on every call (at most <see cref="SafeTensorsHeader.MaxRank"/> numbers).</remarks>
    public ulong ElementCount => _table.ElementCount(in _table[_index]) ?? 0; // never null: the header was validated

    /// <summary>Copies the dimensions, in C order, into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="Rank"/> long; a span of <see cref="SafeTensorsHeader.MaxRank"/> always fits.</param>
    /// <returns>The dimensions written: the first <see cref="Rank"/> elements of <paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Rank"/>.</exception>
    public Span<ulong> CopyDimensions(Span<ulong> destination)
    {
        ref readonly TensorRecord record = ref _table[_index];
        if (destination.Length < record.Rank)
        {
            throw new ArgumentException($"The destination holds {destination.Length} dimensions but the tensor has {record.Rank}.", nameof(destination));
        }
        _table.ReadDimensions(in record, destination);
        return destination[..record.Rank];
    }
}
