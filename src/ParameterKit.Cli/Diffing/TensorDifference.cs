using ParameterKit.SafeTensors;

namespace ParameterKit.Cli.Diffing;

/// <summary>
/// One tensor's difference. <see cref="L2"/> is ‖B − A‖₂ and <see cref="RelativeL2"/> is ‖B − A‖₂ / ‖A‖₂ over
/// the values converted to float32 (accumulated in double); both are null where values are not compared (added,
/// removed, reshaped, or a dtype without a float conversion), and the relative change is +∞ when A is all zeros
/// and B is not.
/// </summary>
/// <param name="Name">The tensor name.</param>
/// <param name="Status">What happened to it.</param>
/// <param name="A">The tensor in A, if present.</param>
/// <param name="B">The tensor in B, if present.</param>
/// <param name="L2">‖B − A‖₂, when compared.</param>
/// <param name="RelativeL2">‖B − A‖₂ / ‖A‖₂, when compared.</param>
/// <param name="MaxAbs">The largest |B − A| of one element, when compared.</param>
/// <param name="Note">Why values were not compared, when they could not be.</param>
internal sealed record TensorDifference(
    string Name, DifferenceStatus Status, SafeTensorInfo? A, SafeTensorInfo? B,
    double? L2 = null, double? RelativeL2 = null, double? MaxAbs = null, string? Note = null);
