using System.Globalization;
using System.Text;
using System.Text.Json;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Parses header JSON the way the reference crate's serde derive does (validation step 5 of SPEC.md §4):
/// the same accepted dialect, the same field rules, the same quirks. Every failure is
/// <see cref="SafeTensorsErrorKind.InvalidHeaderDeserialization"/>.
/// </summary>
/// <remarks>
/// Quirks reproduced on purpose, because a reader that differs from the crate would accept files PyTorch
/// rejects or the reverse: a tensor entry may be a 3-element array in field order; a dtype may be written as
/// the one-key map <c>{"F32": null}</c> (serde's externally tagged unit variant); unknown fields in an entry
/// are ignored; a repeated tensor name keeps the last entry; a repeated field or <c>__metadata__</c> is an
/// error; nesting deeper than 127 levels is an error (serde_json's limit of 128 counts the level that fails).
/// </remarks>
internal ref struct HeaderJsonParser
{
    /// <summary>serde_json starts with 128 and fails when entering the level that brings it to 0.</summary>
    private const int MaxDepth = 127;

    private static ReadOnlySpan<byte> MetadataKey => "__metadata__"u8;

    private static readonly JsonReaderOptions Options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private Utf8JsonReader _reader;
    private readonly string? _source;
    private readonly TensorTable _table;

    /// <summary>The name of the entry being parsed (where it is, in the table's terms), for error messages.</summary>
    private TensorRecord? _current;

    private HeaderJsonParser(TensorTable table, string? source)
    {
        _table = table;
        _reader = new Utf8JsonReader(table.Json.Span, Options);
        _source = source;
        _current = null;
    }

    /// <summary>A tensor entry as written in the header, before offset validation.</summary>
    /// <remarks>
    /// The dimensions are not stored: a header may hold a shape of millions of dimensions, and storing them
    /// before the file is accepted would let a hostile header allocate several times its own size. The parser
    /// keeps where the shape array starts and its rank; the table reads the dimensions again when asked.
    /// </remarks>
    private readonly record struct Entry(DType DType, ShapeSpan Shape, ulong Begin, ulong End);

    /// <summary>Where a shape array sits in the header, and its rank.</summary>
    private readonly record struct ShapeSpan(int Start, int Rank);

    /// <summary>
    /// Parses <paramref name="json"/> (already known to be valid UTF-8) into a table in header order, repeated
    /// names resolved last-wins. The table keeps <paramref name="json"/>.
    /// </summary>
    internal static TensorTable Parse(ReadOnlyMemory<byte> json, string? source)
    {
        (int entries, int escapedNameBytes) = Count(json.Span);
        var parser = new HeaderJsonParser(new TensorTable(json, entries, escapedNameBytes), source);
        try
        {
            parser.ParseDocument(json.Span);
            return parser._table;
        }
        catch (JsonException e)
        {
            throw parser.Fail($"the header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // What Utf8JsonReader throws for a string it cannot decode; every path checks first, this is the backstop.
            throw parser.Fail($"the header holds an invalid string: {e.Message}", e);
        }
    }

    /// <summary>
    /// A first pass that only counts: the top-level keys (at least as many as the tensors) and the bytes of the
    /// escaped ones, so that the table is allocated once at its final size instead of growing by doubling (which
    /// allocates about twice what it keeps). It stops quietly at the first error, which the second pass reports;
    /// that pass never gets further than this one.
    /// </summary>
    private static (int Entries, int EscapedNameBytes) Count(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, Options);
        int entries = 0;
        int escaped = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (0, 0);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                entries++;
                if (reader.ValueIsEscaped)
                {
                    escaped += reader.ValueSpan.Length;
                }
                if (!reader.Read())
                {
                    break;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The second pass reports it.
        }
        return (entries, escaped);
    }

    /// <summary>
    /// Builds the <c>__metadata__</c> map from the object at <paramref name="start"/> of an accepted header (its keys
    /// and values were checked when the header was parsed; a repeated key keeps its last value).
    /// </summary>
    internal static OrderedDictionary<string, string> ReadMetadata(ReadOnlySpan<byte> json, int start)
    {
        var reader = new Utf8JsonReader(json[start..], Options);
        reader.Read();
        var map = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            map[key] = reader.GetString()!;
        }
        return map;
    }

    private void ParseDocument(ReadOnlySpan<byte> json)
    {
        // A byte order mark is not JSON whitespace for serde_json; reject it rather than let a parser skip it.
        if (json.StartsWith("\uFEFF"u8))
        {
            throw Fail("the header starts with a byte order mark, which is not JSON");
        }
        if (!_reader.Read())
        {
            throw Fail("the header is empty");
        }
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"the header must be a JSON object, not {_reader.TokenType}");
        }

        bool sawMetadata = false;
        while (Next() != JsonTokenType.EndObject)
        {
            // ValueTextEquals compares the unescaped text, so "__metadata\u005f_" is the metadata key too.
            if (_reader.ValueTextEquals(MetadataKey))
            {
                Next();
                if (sawMetadata)
                {
                    throw Fail("duplicate field `__metadata__`");
                }
                sawMetadata = true;
                ParseMetadata();
                continue;
            }
            (int nameStart, int nameLength) = ReadName();
            _current = new TensorRecord(0, 0, nameStart, nameLength, 0, 0, 0);
            Next();
            Entry entry = ParseEntry();
            _current = null;
            var record = new TensorRecord(entry.Begin, entry.End, nameStart, nameLength, entry.Shape.Start, (byte)entry.DType, (byte)entry.Shape.Rank);
            // serde collects into a HashMap, which keeps the last of repeated keys.
            int existing = _table.Find(_table.NameBytes(record));
            if (existing >= 0)
            {
                _table.ForgetLastEscapedName(nameStart, nameLength);
                TensorRecord first = _table[existing];
                _table.Replace(existing, record with { NameStart = first.NameStart, NameLength = first.NameLength });
            }
            else
            {
                _table.Add(record);
            }
        }
        // Anything after the object other than JSON whitespace makes Read throw (single-value mode).
        if (_reader.Read())
        {
            throw Fail("trailing characters after the header object");
        }
    }

    /// <summary>
    /// Where the tensor name the reader is on lives: in the header text when written plainly (the usual case,
    /// nothing copied), or unescaped into the table's name buffer.
    /// </summary>
    private (int Start, int Length) ReadName()
    {
        if (!_reader.ValueIsEscaped)
        {
            // A name's TokenStartIndex is its opening quote.
            return (checked((int)_reader.TokenStartIndex + 1), _reader.ValueSpan.Length);
        }
        if (!JsonEscapes.SurrogatesArePaired(_reader.ValueSpan))
        {
            throw Fail("the header holds an invalid string: a tensor name has an unpaired UTF-16 surrogate escape");
        }
        return _table.AppendEscapedName(ref _reader);
    }

    /// <summary>
    /// Checks <c>__metadata__</c> as serde reads it (an object of strings, or null) and notes where it is; the map
    /// itself is built only when a caller asks for <see cref="SafeTensorsHeader.Metadata"/>, so reading a header
    /// costs nothing per metadata entry.
    /// </summary>
    private void ParseMetadata()
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"`__metadata__` must be an object of strings or null, not {_reader.TokenType}");
        }
        int start = checked((int)_reader.TokenStartIndex);
        int entries = 0;
        while (Next() != JsonTokenType.EndObject)
        {
            if (entries++ == SafeTensorsHeader.MaxMetadataEntries)
            {
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.LimitExceeded, _source, null,
                    $"`__metadata__` has more than {SafeTensorsHeader.MaxMetadataEntries} entries, the most ParameterKit reads");
            }
            ValidateScalar();
            ReadOnlySpan<byte> key = _reader.ValueSpan;
            if (Next() != JsonTokenType.String)
            {
                throw Fail($"`__metadata__` value for key '{Encoding.UTF8.GetString(key)}' must be a string, not {_reader.TokenType}");
            }
            ValidateScalar();
        }
        _table.MetadataStart = start;
    }

    private Entry ParseEntry()
    {
        if (_reader.TokenType == JsonTokenType.StartArray)
        {
            return ParsePositionalEntry();
        }
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail($"a tensor entry must be an object, not {_reader.TokenType}");
        }
        DType? dtype = null;
        ShapeSpan? shape = null;
        (ulong Begin, ulong End)? offsets = null;
        while (Next() != JsonTokenType.EndObject)
        {
            // ValueTextEquals compares unescaped text without allocating; most headers have only these three.
            Field field = _reader.ValueTextEquals("dtype"u8) ? Field.DType
                : _reader.ValueTextEquals("shape"u8) ? Field.Shape
                : _reader.ValueTextEquals("data_offsets"u8) ? Field.DataOffsets
                : Field.Other;
            if (field == Field.Other)
            {
                ValidateScalar();
            }
            Next();
            switch (field)
            {
                case Field.DType:
                    dtype = dtype is null ? ParseDType() : throw Fail("duplicate field `dtype`");
                    break;
                case Field.Shape:
                    shape = shape is null ? ParseShape() : throw Fail("duplicate field `shape`");
                    break;
                case Field.DataOffsets:
                    offsets = offsets is null ? ParseOffsets() : throw Fail("duplicate field `data_offsets`");
                    break;
                default:
                    SkipValue();
                    break;
            }
        }
        if (dtype is null)
        {
            throw Fail("missing field `dtype`");
        }
        if (shape is null)
        {
            throw Fail("missing field `shape`");
        }
        if (offsets is null)
        {
            throw Fail("missing field `data_offsets`");
        }
        return new Entry(dtype.Value, shape.Value, offsets.Value.Begin, offsets.Value.End);
    }

    /// <summary>serde derives also accept a struct as a sequence of its fields in declaration order.</summary>
    private Entry ParsePositionalEntry()
    {
        if (Next() == JsonTokenType.EndArray)
        {
            throw Fail("a tensor entry array needs 3 elements, found 0");
        }
        DType dtype = ParseDType();
        if (Next() == JsonTokenType.EndArray)
        {
            throw Fail("a tensor entry array needs 3 elements, found 1");
        }
        ShapeSpan shape = ParseShape();
        if (Next() == JsonTokenType.EndArray)
        {
            throw Fail("a tensor entry array needs 3 elements, found 2");
        }
        (ulong begin, ulong end) = ParseOffsets();
        if (Next() != JsonTokenType.EndArray)
        {
            throw Fail("a tensor entry array needs exactly 3 elements, found more");
        }
        return new Entry(dtype, shape, begin, end);
    }

    private DType ParseDType()
    {
        if (_reader.TokenType == JsonTokenType.String)
        {
            return ParseDTypeName();
        }
        // serde's enum from buffered content: a map with a single key names the variant; a unit variant's
        // value must then be null.
        if (_reader.TokenType == JsonTokenType.StartObject)
        {
            if (Next() == JsonTokenType.EndObject)
            {
                throw Fail("`dtype` given as an empty map");
            }
            DType dtype = ParseDTypeName();
            if (Next() != JsonTokenType.Null)
            {
                throw Fail("`dtype` given as a map must map the dtype name to null");
            }
            if (Next() != JsonTokenType.EndObject)
            {
                throw Fail("`dtype` given as a map must have a single key");
            }
            return dtype;
        }
        throw Fail($"`dtype` must be a string, not {_reader.TokenType}");
    }

    /// <summary>Matches the current string token against the dtype names, exactly and without allocating.</summary>
    private DType ParseDTypeName()
    {
        foreach (DType candidate in DTypes.All)
        {
            if (_reader.ValueTextEquals(DTypeNames[(int)candidate]))
            {
                return candidate;
            }
        }
        throw Fail($"unknown dtype \"{Encoding.UTF8.GetString(_reader.ValueSpan)}\"");
    }

    private static readonly byte[][] DTypeNames =
        [.. Enum.GetValues<DType>().Select(d => Encoding.ASCII.GetBytes(d.SafeTensorsName()))];

    private enum Field
    {
        Other,
        DType,
        Shape,
        DataOffsets,
    }

    /// <summary>
    /// Skips an ignored value, but still checks what serde_json checks in it: serde buffers the whole entry,
    /// parsing every string (an unpaired surrogate escape is an error) and every number (one that overflows a
    /// double, such as <c>1e400</c>, is "number out of range").
    /// </summary>
    private void SkipValue()
    {
        if (_reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            ValidateScalar();
            return;
        }
        int depth = _reader.CurrentDepth;
        while (Next() is not (JsonTokenType.EndObject or JsonTokenType.EndArray) || _reader.CurrentDepth > depth)
        {
            ValidateScalar();
        }
    }

    /// <summary>Rejects a string or name with an invalid escape, or a number serde_json cannot represent.</summary>
    private readonly void ValidateScalar()
    {
        if (_reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && _reader.ValueIsEscaped
            && !JsonEscapes.SurrogatesArePaired(_reader.ValueSpan))
        {
            throw Fail("the header holds an invalid string: an unpaired UTF-16 surrogate escape");
        }
        else if (_reader.TokenType == JsonTokenType.Number
            && !(double.TryParse(_reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)))
        {
            throw Fail($"number out of range: {Encoding.UTF8.GetString(_reader.ValueSpan)}");
        }
    }

    private ShapeSpan ParseShape()
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail($"`shape` must be an array of integers, not {_reader.TokenType}");
        }
        int start = checked((int)_reader.TokenStartIndex);
        int rank = 0;
        while (Next() != JsonTokenType.EndArray)
        {
            ReadUInt64("shape");
            if (++rank > SafeTensorsHeader.MaxRank)
            {
                throw new SafeTensorsFormatException(SafeTensorsErrorKind.LimitExceeded, _source, CurrentName,
                    $"its shape has more than {SafeTensorsHeader.MaxRank} dimensions, the most ParameterKit reads");
            }
        }
        return new ShapeSpan(start, rank);
    }

    private (ulong Begin, ulong End) ParseOffsets()
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail($"`data_offsets` must be an array of 2 integers, not {_reader.TokenType}");
        }
        Span<ulong> values = stackalloc ulong[2];
        int count = 0;
        while (Next() != JsonTokenType.EndArray)
        {
            if (count == 2)
            {
                throw Fail("`data_offsets` must have exactly 2 elements, found more");
            }
            values[count++] = ReadUInt64("data_offsets");
        }
        return count == 2 ? (values[0], values[1]) : throw Fail($"`data_offsets` must have exactly 2 elements, found {count}");
    }

    /// <summary>
    /// Reads a JSON integer in 0..2^64-1. Fractions, exponents and a minus sign (even <c>-0</c>) make serde_json
    /// produce a float or a negative integer, which a <c>usize</c> field rejects; so only plain digits pass.
    /// </summary>
    private ulong ReadUInt64(string field)
    {
        if (_reader.TokenType != JsonTokenType.Number)
        {
            throw Fail($"`{field}` must hold integers, found {_reader.TokenType}");
        }
        ReadOnlySpan<byte> digits = _reader.ValueSpan;
        ulong value = 0;
        foreach (byte b in digits)
        {
            if (b < (byte)'0' || b > (byte)'9')
            {
                throw Fail($"`{field}` must hold non-negative integers, found {Encoding.UTF8.GetString(digits)}");
            }
            if (value > (ulong.MaxValue - (ulong)(b - '0')) / 10)
            {
                throw Fail($"`{field}` value {Encoding.UTF8.GetString(digits)} exceeds 2^64-1");
            }
            value = value * 10 + (ulong)(b - '0');
        }
        return value;
    }

    private JsonTokenType Next()
    {
        if (!_reader.Read())
        {
            throw Fail("the header JSON ends early");
        }
        return _reader.TokenType;
    }

    private readonly SafeTensorsFormatException Fail(string detail, Exception? inner = null) =>
        new(SafeTensorsErrorKind.InvalidHeaderDeserialization, _source, CurrentName, detail, inner);

    /// <summary>The name of the entry being parsed, made a string only for an error.</summary>
    private readonly string? CurrentName => _current is { } current ? Encoding.UTF8.GetString(_table.NameBytes(current)) : null;
}
