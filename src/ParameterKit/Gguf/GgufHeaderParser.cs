using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ParameterKit.Gguf;

/// <summary>
/// Reads a GGUF header from the start of a file, the way llama.cpp's <c>gguf_init_from_file</c> does, into lean
/// records: every count, length and offset is checked against the bytes that remain before it is trusted, so a
/// hostile header costs time and memory in proportion to its own size.
/// </summary>
/// <remarks>
/// Layout (little-endian): <c>"GGUF"</c>, version (u32), tensor count (u64), key-value count (u64); each key-value
/// is a string key, a value type (u32) and the value (arrays: element type u32, count u64, elements); each tensor
/// info is a string name, a dimension count (u32, at most 4), the dimensions (u64 each, fastest-varying first), a
/// tensor type (u32) and a data offset (u64). Strings are a u64 byte length and the bytes. The data section starts
/// at the next multiple of <c>general.alignment</c> (32 unless set).
/// </remarks>
internal ref struct GgufHeaderParser
{
    /// <summary>The smallest key-value: an empty key (8), a type (4) and a one-byte value.</summary>
    private const int MinKeyValueBytes = 13;

    /// <summary>The smallest tensor info: an empty name (8), a dimension count (4), a type (4), an offset (8).</summary>
    private const int MinTensorInfoBytes = 24;

    /// <summary>llama.cpp's <c>GGML_MAX_NAME</c>: a tensor name must be shorter than this many bytes.</summary>
    internal const int MaxNameBytes = 64;

    /// <summary>llama.cpp's <c>GGML_MAX_DIMS</c>.</summary>
    internal const int MaxRank = 4;

    /// <summary>The alignment of the data section when <c>general.alignment</c> is absent.</summary>
    internal const uint DefaultAlignment = 32;

    private static ReadOnlySpan<byte> AlignmentKey => "general.alignment"u8;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly ulong _fileLength;
    private readonly string? _path;
    private int _position;

    // The entry being read, named only in a message: formatting it per entry would allocate for every entry.
    private string _section = "header";
    private int _entry = -1;

    private GgufHeaderParser(ReadOnlySpan<byte> bytes, ulong fileLength, string? path)
    {
        _bytes = bytes;
        _fileLength = fileLength;
        _path = path;
    }

    /// <summary>What a parse yields: the records and the layout numbers the header object keeps.</summary>
    internal readonly record struct Result(uint Version, uint Alignment, int HeaderLength, ulong DataStart,
        KeyValueRecord[] KeyValues, TensorInfoRecord[] Tensors);

    /// <summary>Parses the header at the start of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The file's first bytes: all of it, or its first 2 GB when it is longer.</param>
    /// <param name="fileLength">The whole file's length, against which tensor data is bounds-checked.</param>
    /// <param name="path">The file, for messages.</param>
    /// <exception cref="GgufFormatException">The header is rejected.</exception>
    internal static Result Parse(ReadOnlySpan<byte> bytes, ulong fileLength, string? path)
    {
        var parser = new GgufHeaderParser(bytes, fileLength, path);
        return parser.ParseAll();
    }

    private Result ParseAll()
    {
        Need(4, "the magic");
        if (!_bytes[..4].SequenceEqual("GGUF"u8))
        {
            throw Error(GgufErrorKind.InvalidMagic, null, $"the file starts with {Convert.ToHexString(_bytes[..4])}, not 'GGUF' (47475546)");
        }
        _position = 4;
        uint version = UInt32("the version");
        if (version is not (2 or 3))
        {
            string why = version == 1 ? "version 1 is obsolete (llama.cpp no longer reads it)"
                : BinaryPrimitives.ReverseEndianness(version) is 2 or 3 ? "the file is big-endian, which ParameterKit does not read"
                : "only versions 2 and 3 exist";
            throw Error(GgufErrorKind.UnsupportedVersion, null, $"version {version}: {why}");
        }
        ulong tensorCount = UInt64("the tensor count");
        ulong keyValueCount = UInt64("the key-value count");
        CheckCount(keyValueCount, MinKeyValueBytes, "key-value");

        var keyValues = new KeyValueRecord[(int)keyValueCount];
        uint alignment = DefaultAlignment;
        for (int i = 0; i < keyValues.Length; i++)
        {
            keyValues[i] = ReadKeyValue(i, ref alignment);
        }

        CheckCount(tensorCount, MinTensorInfoBytes, "tensor");
        var tensors = new TensorInfoRecord[(int)tensorCount];
        for (int i = 0; i < tensors.Length; i++)
        {
            tensors[i] = ReadTensorInfo(i);
        }

        int headerLength = _position;
        ulong dataStart = ((ulong)headerLength + alignment - 1) / alignment * alignment;
        CheckDataSection(tensors, dataStart, alignment);
        return new Result(version, alignment, headerLength, dataStart, keyValues, tensors);
    }

    /// <summary>
    /// A count is trusted only if the rest of the file could hold that many of the smallest entries, so no array is
    /// ever sized by a number the file merely claims. llama.cpp reads counts as signed; beyond 2^63 they are negative.
    /// </summary>
    private readonly void CheckCount(ulong count, int minBytes, string what)
    {
        ulong remaining = (ulong)(_bytes.Length - _position);
        if (count > long.MaxValue || count > remaining / (ulong)minBytes)
        {
            throw Error(GgufErrorKind.InvalidCount, null,
                $"the header declares {count} {what} entries, but the {remaining} bytes left can hold at most {remaining / (ulong)minBytes}");
        }
    }

    private KeyValueRecord ReadKeyValue(int index, ref uint alignment)
    {
        _entry = index;
        _section = "metadata entry";
        (int keyStart, int keyLength) = String("its key", null);
        ReadOnlySpan<byte> key = _bytes.Slice(keyStart, keyLength);
        if (!Utf8.IsValid(key))
        {
            throw Error(GgufErrorKind.InvalidString, null, $"the key of metadata entry {index} is not valid UTF-8");
        }
        var subject = new TextRange(keyStart, keyLength);
        var type = (GgufValueType)UInt32("the value type", subject);
        if (type == GgufValueType.Array)
        {
            var elementType = (GgufValueType)UInt32("the array's element type", subject);
            ulong count = UInt64("the array's length", subject);
            int start = _position;
            if (elementType == GgufValueType.Array)
            {
                throw Error(GgufErrorKind.InvalidValueType, subject, "an array of arrays (llama.cpp reads no nested arrays)");
            }
            SkipArray(elementType, count, subject);
            return new KeyValueRecord(keyStart, keyLength, type, elementType, count, start);
        }
        int valueStart = _position;
        SkipValue(type, subject);
        if (key.SequenceEqual(AlignmentKey))
        {
            alignment = ReadAlignment(type, valueStart);
        }
        return new KeyValueRecord(keyStart, keyLength, type, type, 1, valueStart);
    }

    private readonly uint ReadAlignment(GgufValueType type, int valueStart)
    {
        if (type != GgufValueType.UInt32)
        {
            throw Fail(GgufErrorKind.InvalidAlignment, "general.alignment", $"the value is {type}, not UInt32");
        }
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[valueStart..]);
        if (value == 0 || (value & (value - 1)) != 0)
        {
            throw Fail(GgufErrorKind.InvalidAlignment, "general.alignment", $"{value} is not a power of two");
        }
        return value;
    }

    private void SkipValue(GgufValueType type, TextRange? key)
    {
        if (type == GgufValueType.String)
        {
            String("the string value", key);
            return;
        }
        int size = FixedSize(type);
        if (size == 0)
        {
            throw Error(GgufErrorKind.InvalidValueType, key, $"value type {(int)type} is not a GGUF type");
        }
        Need(size, "the value", key);
        _position += size;
    }

    private void SkipArray(GgufValueType elementType, ulong count, TextRange? key)
    {
        ulong remaining = (ulong)(_bytes.Length - _position);
        if (elementType == GgufValueType.String)
        {
            // Each string takes at least its 8-byte length, which bounds the loop by the bytes left.
            if (count > remaining / 8)
            {
                NeedFailed($"{count} strings", key);
            }
            for (ulong i = 0; i < count; i++)
            {
                String("a string of the array", key);
            }
            return;
        }
        int size = FixedSize(elementType);
        if (size == 0)
        {
            throw Error(GgufErrorKind.InvalidValueType, key, $"array element type {(int)elementType} is not a GGUF type");
        }
        if (count > remaining / (ulong)size)
        {
            NeedFailed($"{count} elements of {size} bytes", key);
        }
        _position += (int)(count * (ulong)size);
    }

    /// <summary>The size of a fixed-size value type, 0 for strings, arrays and numbers that are no type.</summary>
    internal static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };

    private TensorInfoRecord ReadTensorInfo(int index)
    {
        _entry = index;
        _section = "tensor info";
        (int nameStart, int nameLength) = String("its name", null);
        ReadOnlySpan<byte> name = _bytes.Slice(nameStart, nameLength);
        if (!Utf8.IsValid(name))
        {
            throw Error(GgufErrorKind.InvalidString, null, $"the name of tensor {index} is not valid UTF-8");
        }
        var subject = new TextRange(nameStart, nameLength);
        if (nameLength >= MaxNameBytes)
        {
            throw Error(GgufErrorKind.InvalidTensorInfo, subject, $"the name is {nameLength} bytes long; llama.cpp allows at most {MaxNameBytes - 1}");
        }
        uint rank = UInt32("the dimension count", subject);
        if (rank > MaxRank)
        {
            throw Error(GgufErrorKind.InvalidTensorInfo, subject, $"{rank} dimensions; GGUF allows at most {MaxRank}");
        }
        Span<ulong> ne = [1, 1, 1, 1];
        for (int d = 0; d < rank; d++)
        {
            ne[d] = UInt64("a dimension", subject);
            if (ne[d] > long.MaxValue)
            {
                throw Error(GgufErrorKind.InvalidTensorInfo, subject, $"dimension {d} is {(long)ne[d]} (negative)");
            }
        }
        // Multiplied one dimension at a time: each factor is below 2^63, so a running product below 2^63 times the next
        // fits 128 bits, where the product of all four at once could wrap (2^32 four times is 2^128, read as 0).
        bool empty = ne[0] == 0 || ne[1] == 0 || ne[2] == 0 || ne[3] == 0;
        UInt128 elements = empty ? 0 : ne[0];
        for (int d = 1; d < 4 && elements != 0 && elements < long.MaxValue; d++)
        {
            elements *= ne[d];
        }
        if (elements >= (UInt128)long.MaxValue)
        {
            throw Error(GgufErrorKind.InvalidTensorInfo, subject, $"[{ne[0]}, {ne[1]}, {ne[2]}, {ne[3]}] has 2^63 elements or more");
        }
        var type = (GgufTensorType)UInt32("the tensor type", subject);
        if (!GgufTensorTypes.IsDefined(type))
        {
            throw Error(GgufErrorKind.InvalidTensorInfo, subject, $"tensor type {(int)type} is not one this reader knows (llama.cpp's types up to NVFP4, 40)");
        }
        int block = GgufTensorTypes.BlockSize(type);
        if (ne[0] % (ulong)block != 0)
        {
            throw Error(GgufErrorKind.InvalidTensorInfo, subject,
                $"{GgufTensorTypes.Name(type)} stores blocks of {block} values, but a row has {ne[0]} (dimension 0 must be a multiple of {block})");
        }
        ulong offset = UInt64("the data offset", subject);
        UInt128 bytes = elements / (ulong)block * (ulong)GgufTensorTypes.BlockBytes(type);
        if (bytes > _fileLength)
        {
            throw Error(GgufErrorKind.DataOutOfBounds, subject, $"{bytes} bytes of data, more than the whole file ({_fileLength} bytes)");
        }
        return new TensorInfoRecord(nameStart, nameLength, (int)rank, type, ne[0], ne[1], ne[2], ne[3], offset, (ulong)bytes);
    }

    /// <summary>
    /// Tensors lie back to back in the data section, each starting at the previous one's end rounded up to the
    /// alignment (llama.cpp demands exactly this), and all within the file.
    /// </summary>
    private readonly void CheckDataSection(TensorInfoRecord[] tensors, ulong dataStart, uint alignment)
    {
        UInt128 expected = 0;
        foreach (TensorInfoRecord t in tensors)
        {
            var subject = new TextRange(t.NameStart, t.NameLength);
            if (t.Offset != expected)
            {
                throw Error(GgufErrorKind.InvalidOffset, subject, $"data offset {t.Offset}, but the previous tensors end (aligned to {alignment}) at {expected}");
            }
            UInt128 end = dataStart + (UInt128)t.Offset + t.ByteLength;
            if (end > _fileLength)
            {
                throw Error(GgufErrorKind.DataOutOfBounds, subject,
                    $"data [{dataStart + t.Offset}, {end}) runs past the end of the file ({_fileLength} bytes)");
            }
            expected += (t.ByteLength + (UInt128)alignment - 1) / alignment * alignment;
        }
    }

    private (int Start, int Length) String(string what, TextRange? subject)
    {
        ulong length = UInt64(what, subject);
        if (length > (ulong)(_bytes.Length - _position))
        {
            NeedFailed($"a string of {length} bytes ({what})", subject);
        }
        int start = _position;
        _position += (int)length;
        return (start, (int)length);
    }

    private uint UInt32(string what, TextRange? subject = null)
    {
        Need(4, what, subject);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[_position..]);
        _position += 4;
        return value;
    }

    private ulong UInt64(string what, TextRange? subject = null)
    {
        Need(8, what, subject);
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_bytes[_position..]);
        _position += 8;
        return value;
    }

    private readonly void Need(int count, string what, TextRange? subject = null)
    {
        if (count > _bytes.Length - _position)
        {
            NeedFailed(what, subject);
        }
    }

    /// <summary>
    /// The header ran out of bytes: the file is truncated, or (when the file is longer than the 2 GB one span can
    /// cover) the header is larger than ParameterKit reads.
    /// </summary>
    private readonly void NeedFailed(string what, TextRange? subject)
    {
        if (_fileLength > (ulong)_bytes.Length)
        {
            throw Error(GgufErrorKind.LimitExceeded, subject, $"{what} of {_section} {_entry} at byte {_position} lies beyond the first {_bytes.Length} bytes, the most a header may take");
        }
        string entry = _entry < 0 ? "" : $" of {_section} {_entry}";
        throw Error(GgufErrorKind.Truncated, subject, $"the file ends at byte {_bytes.Length}, inside {what}{entry} (at byte {_position})");
    }

    private readonly GgufFormatException Error(GgufErrorKind kind, TextRange? subject, string detail) =>
        Fail(kind, subject is { } s ? Encoding.UTF8.GetString(_bytes.Slice(s.Start, s.Length)) : null, detail);

    private readonly GgufFormatException Fail(GgufErrorKind kind, string? subject, string detail) => new(kind, _path, subject, detail);

    /// <summary>Where a key or tensor name lies in the header, decoded to a string only for an error message.</summary>
    private readonly record struct TextRange(int Start, int Length);
}
