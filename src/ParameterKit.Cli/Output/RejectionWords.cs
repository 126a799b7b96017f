using ParameterKit.Gguf;
using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Output;

/// <summary>
/// The reference crate's error variants in plain words, so <c>inspect</c> on a broken file says what is wrong
/// before it says how the crate names it.
/// </summary>
internal static class RejectionWords
{
    /// <summary>A short explanation of <paramref name="kind"/>.</summary>
    public static string Explain(SafeTensorsErrorKind kind) => kind switch
    {
        SafeTensorsErrorKind.HeaderTooSmall => "the file is too short to hold the 8-byte header length",
        SafeTensorsErrorKind.HeaderTooLarge => "the header length is above the 100 MB limit",
        SafeTensorsErrorKind.InvalidHeaderLength => "the header length points past the end of the file",
        SafeTensorsErrorKind.InvalidHeader => "the header is not valid UTF-8 text",
        SafeTensorsErrorKind.InvalidHeaderDeserialization => "the header is not the JSON a safetensors header must be",
        SafeTensorsErrorKind.InvalidOffset => "tensor data offsets leave a gap, overlap or do not start at zero",
        SafeTensorsErrorKind.TensorInvalidInfo => "a tensor's byte range does not match its dtype and shape",
        SafeTensorsErrorKind.ValidationOverflow => "a tensor's size overflows 64 bits",
        SafeTensorsErrorKind.MisalignedSlice => "a sub-byte tensor does not fill a whole number of bytes",
        SafeTensorsErrorKind.MetadataIncompleteBuffer => "the tensors do not cover the data exactly up to the end of the file",
        SafeTensorsErrorKind.TensorNotFound => "a tensor the index names is missing",
        SafeTensorsErrorKind.InvalidIndex => "the sharded index is malformed, inconsistent with its shards, or names a missing shard",
        SafeTensorsErrorKind.LimitExceeded => "the header exceeds a limit ParameterKit sets on shapes or metadata",
        _ => "the file is not a valid safetensors file",
    };

    /// <summary>
    /// The one-line message for a rejected GGUF file, or for a key or tensor a command needed and did not find in one:
    /// the reader's message already names the kind, the file and the key or tensor.
    /// </summary>
    public static string Message(GgufFormatException error) => error.Kind is GgufErrorKind.KeyNotFound or GgufErrorKind.WrongValueType or GgufErrorKind.TensorNotFound
        ? $"the GGUF file lacks what this command needs: {error.Message}"
        : $"not a valid GGUF file: {error.Message}";

    /// <summary>
    /// The one-line message for a rejected file: plain words, then the crate's kind and details. For an inconsistency a
    /// lenient reading accepts, where to find that reading: the library's own hint ("read the index leniently") is an
    /// option here, and only <c>inspect</c> has it.
    /// </summary>
    /// <param name="error">The rejection.</param>
    /// <param name="hasLenientIndexOption">Whether the command that read the file has <c>--lenient-index</c>.</param>
    public static string Message(SafeTensorsFormatException error, bool hasLenientIndexOption)
    {
        ArgumentNullException.ThrowIfNull(error);
        string lenient = !error.AcceptedWhenLenient ? "" : hasLenientIndexOption
            ? "; --lenient-index accepts it and lists each inconsistency"
            : "; parameterkit inspect --lenient-index reads it and lists each inconsistency";
        return $"not a valid safetensors file: {Explain(error.Kind)} ({error.Message}){lenient}";
    }
}
