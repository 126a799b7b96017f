namespace ParameterKit.SafeTensors;

/// <summary>
/// A safetensors file, header or index was rejected. <see cref="Kind"/> says why in the reference crate's
/// vocabulary; the message names the file and, when one is to blame, the tensor.
/// </summary>
public sealed class SafeTensorsFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Why the input was rejected.</param>
    /// <param name="filePath">The file (or source description) being read, if known.</param>
    /// <param name="tensorName">The tensor to blame, if one is.</param>
    /// <param name="detail">A human explanation of what exactly is wrong.</param>
    /// <param name="innerException">The underlying parser error, if any.</param>
    public SafeTensorsFormatException(
        SafeTensorsErrorKind kind, string? filePath, string? tensorName, string detail, Exception? innerException = null)
        : base(Compose(kind, filePath, tensorName, detail), innerException)
    {
        Kind = kind;
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>Why the input was rejected, named after the reference crate's error variant.</summary>
    public SafeTensorsErrorKind Kind { get; }

    /// <summary>The file or source being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor the error is about, when one is to blame.</summary>
    public string? TensorName { get; }

    /// <summary>
    /// Whether reading the index leniently (<see cref="SafeTensorsCheckpoint.Open(string, bool)"/> with
    /// <c>lenientIndex</c>) accepts what was refused here, listing it instead: an inconsistency between a sharded
    /// index and its shards rather than data that cannot be read at all.
    /// </summary>
    public bool AcceptedWhenLenient { get; init; }

    private static string Compose(SafeTensorsErrorKind kind, string? filePath, string? tensorName, string detail)
    {
        string where = filePath is null ? "safetensors data" : $"'{filePath}'";
        string tensor = tensorName is null ? "" : $", tensor '{tensorName}'";
        return $"{kind} in {where}{tensor}: {detail}";
    }
}
