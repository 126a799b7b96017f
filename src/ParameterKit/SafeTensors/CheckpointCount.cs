using ParameterKit.Parameters;
using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// What a checkpoint holds, counted from its header alone: parameters in total and by kind, bytes by dtype,
/// and the non-parameter buffers (causal masks, rotary frequencies, position ids) reported apart.
/// </summary>
public sealed class CheckpointCount
{
    internal CheckpointCount(long total, IReadOnlyDictionary<ParameterKind, long> byKind, IReadOnlyDictionary<DType, long> bytesByDType,
        IReadOnlyList<(SafeTensorInfo Tensor, ParameterKind Kind)> parameters, IReadOnlyList<SafeTensorInfo> buffers, bool kindsRecorded = false)
    {
        KindsRecorded = kindsRecorded;
        TotalParameters = total;
        ByKind = byKind;
        BytesByDType = bytesByDType;
        Parameters = parameters;
        Buffers = buffers;
    }

    /// <summary>The number of parameter values (buffers excluded).</summary>
    public long TotalParameters { get; }

    /// <summary>Parameter values per kind; every kind is present, possibly with 0.</summary>
    public IReadOnlyDictionary<ParameterKind, long> ByKind { get; }

    /// <summary>Bytes of parameter tensors per dtype (buffers excluded).</summary>
    public IReadOnlyDictionary<DType, long> BytesByDType { get; }

    /// <summary>Each parameter tensor with the kind inferred from its name.</summary>
    public IReadOnlyList<(SafeTensorInfo Tensor, ParameterKind Kind)> Parameters { get; }

    /// <summary>Tensors recognized as buffers rather than parameters, not counted in <see cref="TotalParameters"/>.</summary>
    public IReadOnlyList<SafeTensorInfo> Buffers { get; }

    /// <summary>The number of values in <see cref="Buffers"/>.</summary>
    public long BufferElements => Buffers.Sum(b => checked((long)b.ElementCount));

    /// <summary>
    /// Whether the kinds came from the checkpoint's own record (<see cref="RecordedKinds"/>, a file ParameterKit
    /// wrote) rather than being inferred from Hugging Face naming conventions.
    /// </summary>
    public bool KindsRecorded { get; }
}
