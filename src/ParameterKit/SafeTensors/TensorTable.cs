using System.Text;
using System.Text.Json;

namespace ParameterKit.SafeTensors;

/// <summary>
/// The tensors of one header, stored lean: the header text itself (N bytes, kept), one 32-byte
/// <see cref="TensorRecord"/> per tensor, the unescaped bytes of the few names written with JSON escapes, and an
/// open-addressing table of record indexes for lookup by name. No string, array or dictionary entry exists per
/// tensor; <see cref="SafeTensorInfo"/> objects, names as strings and dimension arrays are made when a caller asks
/// for them. This is what keeps a header's cost a small multiple of N however small its entries
/// (docs/security.md states the bound and the test that holds it).
/// </summary>
internal sealed class TensorTable
{
    private readonly TensorRecord[] _records;
    private readonly byte[] _escapedNames;
    private int _escapedLength;

    /// <summary>Record index + 1 per slot, 0 for an empty slot; at most two thirds full.</summary>
    private readonly int[] _slots;

    /// <summary>Creates an empty table sized by a first counting pass over the header.</summary>
    /// <param name="json">The header text, owned by the table from now on.</param>
    /// <param name="capacity">At least the number of tensor entries the text holds.</param>
    /// <param name="escapedNameBytes">At least the total length of the escaped names as written.</param>
    public TensorTable(ReadOnlyMemory<byte> json, int capacity, int escapedNameBytes)
    {
        Json = json;
        _records = new TensorRecord[capacity];
        _escapedNames = escapedNameBytes == 0 ? [] : new byte[escapedNameBytes];
        _slots = new int[capacity + capacity / 2 + 1];
    }

    /// <summary>The header text.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>How many tensors (distinct names) the table holds.</summary>
    public int Count { get; private set; }

    /// <summary>Where the <c>__metadata__</c> object starts in the header text, or -1 when it is absent or null.</summary>
    public int MetadataStart { get; set; } = -1;

    /// <summary>The records, in header order while parsing and in offset order once validated.</summary>
    public Span<TensorRecord> Records => _records.AsSpan(0, Count);

    /// <summary>The record at <paramref name="index"/>.</summary>
    public ref readonly TensorRecord this[int index] => ref _records[index];

    /// <summary>The name's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> NameBytes(in TensorRecord record) => record.NameStart >= 0
        ? Json.Span.Slice(record.NameStart, record.NameLength)
        : _escapedNames.AsSpan(~record.NameStart, record.NameLength);

    /// <summary>The name as a string (allocated on every call; callers cache it).</summary>
    public string Name(int index) => Encoding.UTF8.GetString(NameBytes(in _records[index]));

    /// <summary>
    /// Unescapes the name the reader is on into the names buffer. Returns its <see cref="TensorRecord.NameStart"/>
    /// (negative) and length; <see cref="ForgetLastEscapedName"/> takes it back when the name turns out to repeat.
    /// </summary>
    public (int NameStart, int NameLength) AppendEscapedName(ref Utf8JsonReader reader)
    {
        int start = _escapedLength;
        int written = reader.CopyString(_escapedNames.AsSpan(start));
        _escapedLength += written;
        return (~start, written);
    }

    /// <summary>Takes back the name <see cref="AppendEscapedName"/> just stored.</summary>
    public void ForgetLastEscapedName(int nameStart, int nameLength)
    {
        if (nameStart < 0 && ~nameStart + nameLength == _escapedLength)
        {
            _escapedLength = ~nameStart;
        }
    }

    /// <summary>Adds a tensor whose name is not in the table yet; returns its index.</summary>
    public int Add(in TensorRecord record)
    {
        int index = Count++;
        _records[index] = record;
        Insert(index);
        return index;
    }

    /// <summary>Replaces the record at <paramref name="index"/> (a repeated name: the last entry wins, in the first's place).</summary>
    public void Replace(int index, in TensorRecord record) => _records[index] = record;

    /// <summary>The index of the tensor named by <paramref name="name"/> (UTF-8), or -1.</summary>
    public int Find(ReadOnlySpan<byte> name)
    {
        for (int slot = Home(name); ; slot = slot + 1 == _slots.Length ? 0 : slot + 1)
        {
            int entry = _slots[slot];
            if (entry == 0)
            {
                return -1;
            }
            if (NameBytes(in _records[entry - 1]).SequenceEqual(name))
            {
                return entry - 1;
            }
        }
    }

    /// <summary>Re-indexes the names after the records were reordered.</summary>
    public void Reindex()
    {
        Array.Clear(_slots);
        for (int i = 0; i < Count; i++)
        {
            Insert(i);
        }
    }

    private void Insert(int index)
    {
        int slot = Home(NameBytes(in _records[index]));
        while (_slots[slot] != 0)
        {
            slot = slot + 1 == _slots.Length ? 0 : slot + 1;
        }
        _slots[slot] = index + 1;
    }

    /// <summary>
    /// The slot a name hashes to. <see cref="HashCode"/> is seeded randomly per process, so a header cannot be
    /// crafted to make every name collide.
    /// </summary>
    private int Home(ReadOnlySpan<byte> name)
    {
        var hash = new HashCode();
        hash.AddBytes(name);
        return (int)((ulong)(uint)hash.ToHashCode() * (ulong)(uint)_slots.Length >> 32);
    }

    /// <summary>Reads a shape's dimensions into <paramref name="destination"/> (at least its rank long).</summary>
    public void ReadDimensions(in TensorRecord record, Span<ulong> destination)
    {
        var reader = new Utf8JsonReader(Json.Span[record.ShapeStart..]);
        reader.Read();
        for (int i = 0; i < record.Rank; i++)
        {
            reader.Read();
            ulong value = 0;
            foreach (byte digit in reader.ValueSpan)
            {
                value = value * 10 + (ulong)(digit - '0');
            }
            destination[i] = value;
        }
    }

    /// <summary>The product of the dimensions, multiplied left to right as the crate does; null once it overflows.</summary>
    public ulong? ElementCount(in TensorRecord record)
    {
        Span<ulong> dims = stackalloc ulong[SafeTensorsHeader.MaxRank];
        ReadDimensions(in record, dims);
        ulong product = 1;
        foreach (ulong d in dims[..record.Rank])
        {
            ulong high = Math.BigMul(product, d, out product);
            if (high != 0)
            {
                return null;
            }
        }
        return product;
    }

    /// <summary>The dimensions formatted as <c>[d0, d1, ...]</c>, for messages.</summary>
    public string FormatDimensions(in TensorRecord record)
    {
        Span<ulong> dims = stackalloc ulong[SafeTensorsHeader.MaxRank];
        ReadDimensions(in record, dims);
        return "[" + string.Join(", ", dims[..record.Rank].ToArray()) + "]";
    }
}
