using System.Buffers.Binary;
using System.Text;

namespace ParameterKit.Gguf;

/// <summary>
/// The metadata key-values of a GGUF header, read lazily from the header's bytes: nothing is decoded until a value
/// is asked for, so a 50,000-string vocabulary costs nothing unless a caller reads it.
/// </summary>
/// <example>
/// <code>
/// string architecture = header.Metadata.GetString("general.architecture");    // "gpt2"
/// long layers = header.Metadata.GetInteger($"{architecture}.block_count");     // 12
/// </code>
/// </example>
public sealed class GgufMetadata
{
    private readonly byte[] _bytes;
    private readonly KeyValueRecord[] _records;
    private readonly NameTable _keys;
    private readonly string? _filePath;

    internal GgufMetadata(byte[] bytes, KeyValueRecord[] records, string? filePath)
    {
        _bytes = bytes;
        _records = records;
        _filePath = filePath;
        _keys = NameTable.Build(bytes, records.Length, i => (records[i].KeyStart, records[i].KeyLength), out int first, out int duplicate);
        if (duplicate >= 0)
        {
            throw new GgufFormatException(GgufErrorKind.DuplicateKey, filePath, KeyOf(duplicate), $"metadata entries {first} and {duplicate} have the same key");
        }
    }

    /// <summary>The number of key-values.</summary>
    public int Count => _records.Length;

    /// <summary>Every key-value's key and type, in file order.</summary>
    public IEnumerable<GgufMetadataEntry> Entries =>
        Enumerable.Range(0, _records.Length).Select(i => new GgufMetadataEntry(KeyOf(i), _records[i].Type, _records[i].ElementType, _records[i].Count));

    /// <summary>Whether the metadata holds <paramref name="key"/>.</summary>
    /// <param name="key">The exact key.</param>
    public bool ContainsKey(string key) => Find(key) >= 0;

    /// <summary>
    /// The value of <paramref name="key"/> as a .NET value: <see cref="byte"/>, <see cref="sbyte"/>, <see cref="ushort"/>,
    /// <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>, <see cref="float"/>, <see cref="bool"/>, <see cref="string"/>,
    /// <see cref="ulong"/>, <see cref="long"/> or <see cref="double"/> after its GGUF type, or an array of one of them.
    /// </summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key (<see cref="GgufErrorKind.KeyNotFound"/>).</exception>
    public object GetValue(string key)
    {
        KeyValueRecord r = Record(key);
        if (r.Type != GgufValueType.Array)
        {
            int position = r.ValueStart;
            return ReadScalar(r.Type, ref position);
        }
        return r.ElementType switch
        {
            GgufValueType.UInt8 => ReadArray<byte>(r),
            GgufValueType.Int8 => ReadArray<sbyte>(r),
            GgufValueType.UInt16 => ReadArray<ushort>(r),
            GgufValueType.Int16 => ReadArray<short>(r),
            GgufValueType.UInt32 => ReadArray<uint>(r),
            GgufValueType.Int32 => ReadArray<int>(r),
            GgufValueType.Float32 => ReadArray<float>(r),
            GgufValueType.Bool => ReadArray<bool>(r),
            GgufValueType.String => ReadArray<string>(r),
            GgufValueType.UInt64 => ReadArray<ulong>(r),
            GgufValueType.Int64 => ReadArray<long>(r),
            _ => ReadArray<double>(r),
        };
    }

    /// <summary>The string value of <paramref name="key"/>.</summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key, or its value is not a string (<see cref="GgufErrorKind.WrongValueType"/>).</exception>
    public string GetString(string key) => GetValue(key) as string ?? throw WrongType(key, "a string");

    /// <summary>The value of <paramref name="key"/>, of any integer type, as a 64-bit integer.</summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key, or its value is not an integer, or is a UInt64 beyond <see cref="long.MaxValue"/>.</exception>
    public long GetInteger(string key) => GetValue(key) switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw WrongType(key, "an integer (of at most 2^63 - 1)"),
    };

    /// <summary>The value of <paramref name="key"/>, a Float32 or Float64, as a double.</summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key, or its value is not a floating-point number.</exception>
    public double GetFloat(string key) => GetValue(key) switch
    {
        float v => v,
        double v => v,
        _ => throw WrongType(key, "a floating-point number"),
    };

    /// <summary>The value of <paramref name="key"/>, an array of strings (a tokenizer's vocabulary or merges).</summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key, or its value is not an array of strings.</exception>
    public string[] GetStringArray(string key) => GetValue(key) as string[] ?? throw WrongType(key, "an array of strings");

    /// <summary>The value of <paramref name="key"/>, an array of any integer type, as 64-bit integers.</summary>
    /// <param name="key">The exact key.</param>
    /// <exception cref="GgufFormatException">No such key, or its value is not an array of integers.</exception>
    public long[] GetIntegerArray(string key)
    {
        // Decided by the recorded element type, not by the array's runtime type: the runtime lets an int[] pass as a
        // uint[] (and sbyte[] as byte[]), which would read -2 as 4294967294.
        KeyValueRecord r = Record(key);
        if (r.Type != GgufValueType.Array || r.ElementType is GgufValueType.String or GgufValueType.Bool or GgufValueType.Float32 or GgufValueType.Float64)
        {
            throw WrongType(key, "an array of integers");
        }
        var values = new long[(int)r.Count];
        int position = r.ValueStart;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadScalar(r.ElementType, ref position) switch
            {
                byte v => v,
                sbyte v => v,
                ushort v => v,
                short v => v,
                uint v => v,
                int v => v,
                long v => v,
                ulong v when v <= long.MaxValue => (long)v,
                _ => throw WrongType(key, "an array of integers of at most 2^63 - 1"),
            };
        }
        return values;
    }

    private int Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _keys.Find(Encoding.UTF8.GetBytes(key));
    }

    private KeyValueRecord Record(string key)
    {
        int index = Find(key);
        return index >= 0
            ? _records[index]
            : throw new GgufFormatException(GgufErrorKind.KeyNotFound, _filePath, key, $"no metadata entry of that key among {_records.Length}");
    }

    private GgufFormatException WrongType(string key, string wanted)
    {
        KeyValueRecord r = Record(key);
        string actual = r.Type == GgufValueType.Array ? $"an array of {r.ElementType}" : r.Type.ToString();
        return new GgufFormatException(GgufErrorKind.WrongValueType, _filePath, key, $"the value is {actual}, not {wanted}");
    }

    private string KeyOf(int index) => Encoding.UTF8.GetString(_bytes, _records[index].KeyStart, _records[index].KeyLength);

    private T[] ReadArray<T>(KeyValueRecord r)
    {
        // The parser checked that the array's elements lie within the header, so the count fits an int.
        var values = new T[(int)r.Count];
        int position = r.ValueStart;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (T)ReadScalar(r.ElementType, ref position);
        }
        return values;
    }

    private object ReadScalar(GgufValueType type, ref int position)
    {
        ReadOnlySpan<byte> at = _bytes.AsSpan(position);
        switch (type)
        {
            case GgufValueType.String:
                int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(at);
                position += 8 + length;
                return Encoding.UTF8.GetString(at.Slice(8, length));
            case GgufValueType.Bool:
                position += 1;
                return at[0] != 0;
        }
        position += GgufHeaderParser.FixedSize(type);
        return type switch
        {
            GgufValueType.UInt8 => at[0],
            GgufValueType.Int8 => (sbyte)at[0],
            GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(at),
            GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(at),
            GgufValueType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(at),
            GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
            GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            GgufValueType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(at),
            GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
            _ => (object)BinaryPrimitives.ReadDoubleLittleEndian(at),
        };
    }
}
