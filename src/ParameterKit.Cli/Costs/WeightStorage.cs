using ParameterKit.Gguf;

namespace ParameterKit.Cli.Costs;

/// <summary>
/// The storage types a model's weights can be held in, each with its exact bytes per parameter from its block layout
/// (<see cref="GgufTensorTypes"/>: F32 4, BF16 and F16 2, Q8_0 34 / 32 = 1.0625, Q4_0 18 / 32 = 0.5625). The block
/// types carry one F16 scale per 32 values, which is why they cost more than 1 and ½ byte: a size quoted for "int8"
/// or "int4" without the scales is too small by that much.
/// </summary>
internal static class WeightStorage
{
    /// <summary>The types <c>cost</c> and <c>count</c> size a model in, in report order.</summary>
    public static IReadOnlyList<GgufTensorType> Types { get; } =
        [GgufTensorType.F32, GgufTensorType.BF16, GgufTensorType.F16, GgufTensorType.Q8_0, GgufTensorType.Q4_0];

    /// <summary>The type's name as llama.cpp and safetensors write it: <c>F32</c>, <c>BF16</c>, <c>Q8_0</c>.</summary>
    public static string Name(GgufTensorType type) => GgufTensorTypes.Name(type);

    /// <summary>Exact bytes per parameter of <paramref name="type"/>.</summary>
    public static double BytesPerParameter(GgufTensorType type) => GgufTensorTypes.BytesPerParameter(type);

    /// <summary>
    /// Bytes that <paramref name="parameters"/> values take in <paramref name="type"/>: whole blocks, rounded up. Exact when
    /// every row is a whole number of blocks, as llama.cpp requires of a quantized tensor (it keeps the others in F16/F32).
    /// </summary>
    public static long Bytes(long parameters, GgufTensorType type)
    {
        long blockValues = GgufTensorTypes.BlockSize(type);
        long blocks = checked(parameters + blockValues - 1) / blockValues;
        return checked(blocks * GgufTensorTypes.BlockBytes(type));
    }
}
