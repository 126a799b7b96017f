namespace ParameterKit.Gguf;

/// <summary>
/// A GGUF file was rejected, or a lookup in it failed. <see cref="Kind"/> says why; the message names the file
/// and, when one is to blame, the tensor or metadata key.
/// </summary>
public sealed class GgufFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Why the input was rejected.</param>
    /// <param name="filePath">The file being read, if known.</param>
    /// <param name="subject">The tensor name or metadata key to blame, if one is.</param>
    /// <param name="detail">A human explanation of what exactly is wrong.</param>
    public GgufFormatException(GgufErrorKind kind, string? filePath, string? subject, string detail)
        : base(Compose(kind, filePath, subject, detail))
    {
        Kind = kind;
        FilePath = filePath;
        Subject = subject;
    }

    /// <summary>Why the input was rejected.</summary>
    public GgufErrorKind Kind { get; }

    /// <summary>The file being read, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor name or metadata key the error is about, when one is to blame.</summary>
    public string? Subject { get; }

    private static string Compose(GgufErrorKind kind, string? filePath, string? subject, string detail)
    {
        string where = filePath is null ? "GGUF data" : $"'{filePath}'";
        string what = subject is null ? "" : $", '{subject}'";
        return $"{kind} in {where}{what}: {detail}";
    }
}
