namespace ParameterKit.SafeTensors;

/// <summary>
/// One tensor of a parsed header, in 32 bytes: where its name and shape sit in the header text, its dtype and rank,
/// and its byte range. Names and dimensions are not copied out of the header: a 100 MB header of tiny entries
/// would otherwise cost many times its size in strings, arrays and dictionary slots (docs/security.md).
/// </summary>
/// <param name="Begin">The first byte, relative to the byte buffer.</param>
/// <param name="End">One past the last byte.</param>
/// <param name="NameStart">Where the name's UTF-8 bytes start: in the header text when not negative; in the table's
/// buffer of unescaped names at <c>~NameStart</c> when negative (a name written with JSON escapes).</param>
/// <param name="NameLength">The name's length in UTF-8 bytes.</param>
/// <param name="ShapeStart">Where the shape's <c>[</c> is in the header text.</param>
/// <param name="DTypeCode">The element type, as a byte (the enum itself is 4 bytes and would make the record 40).</param>
/// <param name="Rank">The number of dimensions (at most <see cref="SafeTensorsHeader.MaxRank"/>).</param>
internal readonly record struct TensorRecord(ulong Begin, ulong End, int NameStart, int NameLength, int ShapeStart,
    byte DTypeCode, byte Rank)
{
    /// <summary>The element type.</summary>
    public Tensors.DType DType => (Tensors.DType)DTypeCode;
}
