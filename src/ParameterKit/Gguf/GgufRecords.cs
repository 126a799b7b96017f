namespace ParameterKit.Gguf;

/// <summary>
/// One metadata entry of a parsed header, in 32 bytes: where its key and value sit in the header bytes. Keys and
/// values are not copied out: a header of millions of tiny entries would otherwise cost many times its size in
/// strings and boxes (docs/security.md).
/// </summary>
/// <param name="KeyStart">Where the key's UTF-8 bytes start in the header.</param>
/// <param name="KeyLength">The key's length in bytes.</param>
/// <param name="Type">The value's type (<see cref="GgufValueType.Array"/> for arrays).</param>
/// <param name="ElementType">For an array, its elements' type; otherwise the same as <paramref name="Type"/>.</param>
/// <param name="Count">For an array, its length; otherwise 1.</param>
/// <param name="ValueStart">Where the value starts: for an array, its first element.</param>
internal readonly record struct KeyValueRecord(int KeyStart, int KeyLength, GgufValueType Type, GgufValueType ElementType, ulong Count,
    int ValueStart);

/// <summary>
/// One tensor info of a parsed header, in 64 bytes: where its name sits in the header bytes, its type, its
/// dimensions in GGUF order (the fastest-varying first, missing ones 1) and its byte range in the data section.
/// </summary>
internal readonly record struct TensorInfoRecord(int NameStart, int NameLength, int Rank, GgufTensorType Type,
    ulong Ne0, ulong Ne1, ulong Ne2, ulong Ne3, ulong Offset, ulong ByteLength)
{
    /// <summary>The number of values: the product of the dimensions (below 2^63, checked at parse).</summary>
    public ulong ElementCount => Ne0 * Ne1 * Ne2 * Ne3;
}
