namespace ParameterKit.Training.Losses;

/// <summary>The one shape rule of element-wise regression losses: predictions, targets and gradient align.</summary>
internal static class RegressionShapes
{
    public static void Validate(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> predictionsGradient)
    {
        if (targets.Length != predictions.Length)
        {
            throw new ArgumentException($"targets has {targets.Length} elements; it must match predictions ({predictions.Length}).", nameof(targets));
        }
        if (predictionsGradient.Length != predictions.Length)
        {
            throw new ArgumentException($"predictionsGradient has {predictionsGradient.Length} elements; it must match predictions ({predictions.Length}).", nameof(predictionsGradient));
        }
    }
}
