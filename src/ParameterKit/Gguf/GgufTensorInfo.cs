namespace ParameterKit.Gguf;

/// <summary>
/// One tensor of a GGUF file: its name, storage type, dimensions and where its bytes lie in the data section.
/// </summary>
/// <remarks>
/// GGUF lists dimensions fastest-varying first (<see cref="Dimensions"/>; llama.cpp's <c>ne</c>), the reverse of
/// PyTorch and safetensors (<see cref="Shape"/>). A linear layer's weight of PyTorch shape <c>(OC, C)</c> is stored
/// with <c>Dimensions = [C, OC]</c>: rows of C values, and quantization blocks run along a row.
/// </remarks>
public sealed class GgufTensorInfo
{
    private readonly ulong[] _dimensions;

    internal GgufTensorInfo(GgufHeader owner, TensorInfoRecord record, string name)
    {
        Owner = owner;
        Name = name;
        Type = record.Type;
        _dimensions = [.. new[] { record.Ne0, record.Ne1, record.Ne2, record.Ne3 }.AsSpan(0, record.Rank)];
        Offset = record.Offset;
        ByteLength = record.ByteLength;
        ElementCount = record.ElementCount;
    }

    internal GgufHeader Owner { get; }

    /// <summary>The tensor's name, such as <c>blk.0.attn_q.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The storage type.</summary>
    public GgufTensorType Type { get; }

    /// <summary>The dimensions in GGUF order, fastest-varying first (at most 4).</summary>
    public ReadOnlySpan<ulong> Dimensions => _dimensions;

    /// <summary>The dimensions in PyTorch order, slowest-varying first: <see cref="Dimensions"/> reversed.</summary>
    public ulong[] Shape
    {
        get
        {
            ulong[] shape = [.. _dimensions];
            Array.Reverse(shape);
            return shape;
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The number of values (the product of the dimensions).</summary>
    public ulong ElementCount { get; }

    /// <summary>Where the tensor's bytes start, relative to the data section (<see cref="GgufHeader.DataStart"/>).</summary>
    public ulong Offset { get; }

    /// <summary>The tensor's size in bytes: <c>ElementCount / BlockSize * BlockBytes</c> of its type, exactly.</summary>
    public ulong ByteLength { get; }

    /// <summary>Bytes per value of <see cref="Type"/> (<see cref="GgufTensorTypes.BytesPerParameter"/>).</summary>
    public double BytesPerParameter => GgufTensorTypes.BytesPerParameter(Type);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {GgufTensorTypes.Name(Type)} [{string.Join(", ", Shape)}] @ {Offset} ({ByteLength} bytes)";
}
