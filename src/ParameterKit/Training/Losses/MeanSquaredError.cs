namespace ParameterKit.Training.Losses;

/// <summary>
/// Mean squared error <c>L = Σ_k (x_k − y_k)² / M</c> and its gradient <c>∂L/∂x_k = 2·(x_k − y_k) / M</c>,
/// matching PyTorch's <c>torch.nn.functional.mse_loss(x, y)</c> (<c>reduction="mean"</c>). The sum runs in
/// double in index order.
/// </summary>
public static class MeanSquaredError
{
    /// <summary>Computes the mean loss and overwrites <paramref name="predictionsGradient"/> with ∂L/∂x.</summary>
    /// <param name="predictions">[M] predictions x (any shape, flattened).</param>
    /// <param name="targets">[M] targets y.</param>
    /// <param name="predictionsGradient">[M] destination for ∂L/∂x; may be the same span as <paramref name="predictions"/>.</param>
    /// <returns>The mean loss; 0 for M = 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="targets"/> or <paramref name="predictionsGradient"/> differs in length from <paramref name="predictions"/>.</exception>
    public static float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> predictionsGradient)
    {
        RegressionShapes.Validate(predictions, targets, predictionsGradient);
        if (predictions.IsEmpty)
        {
            return 0f;
        }
        double inverseCount = 1.0 / predictions.Length;
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double d = (double)predictions[i] - targets[i];
            sum += d * d;
            predictionsGradient[i] = (float)(2 * d * inverseCount);
        }
        return (float)(sum * inverseCount);
    }
}
