using ParameterKit.Tensors;

namespace ParameterKit.Cli.Inspection;

/// <summary>Parameters stored in one dtype and the bytes they take.</summary>
/// <param name="DType">The element type.</param>
/// <param name="Parameters">Values stored in it.</param>
/// <param name="Bytes">Their size on disk.</param>
internal sealed record DTypeRow(DType DType, long Parameters, long Bytes);
