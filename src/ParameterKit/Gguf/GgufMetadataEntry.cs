namespace ParameterKit.Gguf;

/// <summary>One metadata key-value of a GGUF file, as listed by <see cref="GgufMetadata.Entries"/>.</summary>
/// <param name="Key">The key, such as <c>general.architecture</c>.</param>
/// <param name="Type">The value's type (<see cref="GgufValueType.Array"/> for arrays).</param>
/// <param name="ElementType">For an array, its elements' type; otherwise the same as <paramref name="Type"/>.</param>
/// <param name="Count">For an array, its length; otherwise 1.</param>
public sealed record GgufMetadataEntry(string Key, GgufValueType Type, GgufValueType ElementType, ulong Count);
