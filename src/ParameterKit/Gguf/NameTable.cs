namespace ParameterKit.Gguf;

/// <summary>
/// Lookup of entries by their UTF-8 name, where names are ranges of one byte array: an open-addressing table of
/// entry indexes and nothing else, so a header of a million entries costs 6 to 12 bytes per entry here rather than
/// a string and a dictionary slot each. Hashes use <see cref="HashCode"/>'s per-process random seed, so names
/// cannot be crafted to collide.
/// </summary>
internal sealed class NameTable
{
    private readonly int[] _slots; // entry index + 1; 0 marks an empty slot
    private readonly byte[] _text;
    private readonly Func<int, (int Start, int Length)> _locate;

    private NameTable(int[] slots, byte[] text, Func<int, (int Start, int Length)> locate)
    {
        _slots = slots;
        _text = text;
        _locate = locate;
    }

    /// <summary>
    /// Builds the table of <paramref name="count"/> entries. When two entries share a name, returns -1 in neither
    /// out parameter but <paramref name="duplicate"/> is the later entry and <paramref name="firstOf"/> the earlier.
    /// </summary>
    public static NameTable Build(byte[] text, int count, Func<int, (int Start, int Length)> locate, out int firstOf, out int duplicate)
    {
        int size = 1;
        while (size < count + count / 2 + 1)
        {
            size <<= 1;
        }
        var table = new NameTable(new int[size], text, locate);
        firstOf = duplicate = -1;
        for (int i = 0; i < count; i++)
        {
            (int start, int length) = locate(i);
            int slot = table.Probe(text.AsSpan(start, length));
            if (table._slots[slot] != 0)
            {
                firstOf = table._slots[slot] - 1;
                duplicate = i;
                return table;
            }
            table._slots[slot] = i + 1;
        }
        return table;
    }

    /// <summary>The index of the entry named <paramref name="name"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> name) => _slots[Probe(name)] - 1;

    /// <summary>The slot holding <paramref name="name"/>, or the empty slot where it would go.</summary>
    private int Probe(ReadOnlySpan<byte> name)
    {
        var hash = new HashCode();
        hash.AddBytes(name);
        int mask = _slots.Length - 1;
        int slot = hash.ToHashCode() & mask;
        while (_slots[slot] != 0)
        {
            (int start, int length) = _locate(_slots[slot] - 1);
            if (_text.AsSpan(start, length).SequenceEqual(name))
            {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return slot;
    }
}
