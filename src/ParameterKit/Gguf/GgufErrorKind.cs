namespace ParameterKit.Gguf;

/// <summary>
/// Why a GGUF file was rejected. The structural kinds follow the checks of llama.cpp's reader
/// (<c>gguf_init_from_file</c>), so a file rejected here is one llama.cpp rejects too; the remaining kinds are
/// lookups and limits of ParameterKit's own.
/// </summary>
public enum GgufErrorKind
{
    /// <summary>The file ends inside the header: a count, string, value or tensor info runs past the end.</summary>
    Truncated,
    /// <summary>The file does not start with the four bytes <c>GGUF</c>.</summary>
    InvalidMagic,
    /// <summary>The version is not 2 or 3 (version 1 is obsolete; a big-endian file reads as a huge version).</summary>
    UnsupportedVersion,
    /// <summary>The tensor or key-value count is larger than the rest of the file could hold.</summary>
    InvalidCount,
    /// <summary>A metadata value has an unknown type, or is an array of arrays (llama.cpp reads neither).</summary>
    InvalidValueType,
    /// <summary>A metadata key or tensor name is not valid UTF-8.</summary>
    InvalidString,
    /// <summary>Two metadata entries have the same key.</summary>
    DuplicateKey,
    /// <summary><c>general.alignment</c> is not a UINT32 power of two.</summary>
    InvalidAlignment,
    /// <summary>
    /// A tensor info is malformed: a name of 64 bytes or more, more than 4 dimensions, a negative dimension, an
    /// element count beyond 2^63, an unknown tensor type, or a row length that is not a whole number of blocks.
    /// </summary>
    InvalidTensorInfo,
    /// <summary>Two tensors have the same name.</summary>
    DuplicateTensorName,
    /// <summary>A tensor's data offset is not where the previous tensor's aligned data ends.</summary>
    InvalidOffset,
    /// <summary>A tensor's data runs past the end of the file.</summary>
    DataOutOfBounds,
    /// <summary>A tensor looked up by name does not exist.</summary>
    TensorNotFound,
    /// <summary>A metadata key looked up does not exist.</summary>
    KeyNotFound,
    /// <summary>A metadata value looked up has a different type than the one asked for.</summary>
    WrongValueType,
    /// <summary>The header is one llama.cpp may read but beyond a limit of ParameterKit's: longer than 2 GB.</summary>
    LimitExceeded,
}
