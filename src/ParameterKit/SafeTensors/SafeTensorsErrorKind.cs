namespace ParameterKit.SafeTensors;

/// <summary>
/// Why a safetensors file was rejected. The first ten members are named after the variants of the reference
/// crate's <c>SafeTensorError</c> and are raised in exactly the situations where the crate raises them, so a
/// file rejected here is rejected there with the same variant. The remaining members describe failures outside
/// the crate's reader (lookups, sharded indexes, writing).
/// </summary>
public enum SafeTensorsErrorKind
{
    /// <summary>The file is shorter than the 8-byte header-length prefix.</summary>
    HeaderTooSmall,
    /// <summary>The header length N exceeds 100,000,000 bytes (checked before the file length).</summary>
    HeaderTooLarge,
    /// <summary><c>8 + N</c> overflows or exceeds the file length.</summary>
    InvalidHeaderLength,
    /// <summary>The header bytes are not valid UTF-8.</summary>
    InvalidHeader,
    /// <summary>The header is not JSON of the expected form: syntax, types, dtype names, missing or repeated fields.</summary>
    InvalidHeaderDeserialization,
    /// <summary>Sorted by offsets, a tensor does not start where the previous one ended, or ends before it starts.</summary>
    InvalidOffset,
    /// <summary>A tensor's byte range does not match its dtype and shape.</summary>
    TensorInvalidInfo,
    /// <summary>A tensor's element or bit count overflows 64 bits.</summary>
    ValidationOverflow,
    /// <summary>A sub-byte tensor does not fill a whole number of bytes.</summary>
    MisalignedSlice,
    /// <summary>The tensors do not cover the byte buffer exactly, up to the end of the file.</summary>
    MetadataIncompleteBuffer,
    /// <summary>A tensor looked up by name, or named by a sharded index, does not exist.</summary>
    TensorNotFound,
    /// <summary>A sharded checkpoint's <c>model.safetensors.index.json</c> is malformed or names a shard that does not exist.</summary>
    InvalidIndex,
    /// <summary>Data handed to the writer does not match the declared dtype and shape.</summary>
    InvalidTensorView,
    /// <summary>
    /// The header is one the reference crate would accept, but it exceeds a limit ParameterKit sets so that reading a
    /// header costs time and memory in proportion to its size: a shape of more than <see cref="SafeTensorsHeader.MaxRank"/>
    /// dimensions, or a <c>__metadata__</c> of more than <see cref="SafeTensorsHeader.MaxMetadataEntries"/> entries.
    /// </summary>
    LimitExceeded,
}
