namespace ParameterKit.Training.Losses;

/// <summary>
/// Huber loss: quadratic near the target, linear beyond <see cref="Delta"/>, so outliers pull with a bounded
/// force. Matches PyTorch's <c>torch.nn.functional.huber_loss(x, y, delta=δ)</c> (<c>reduction="mean"</c>).
/// </summary>
/// <remarks>
/// With d = x − y: <c>ℓ = d²/2</c> when |d| &lt; δ, else <c>ℓ = δ·(|d| − δ/2)</c>; <c>L = Σ ℓ / M</c> and
/// <c>∂L/∂x = clamp(d, −δ, δ) / M</c>. The two branches agree in value and slope at |d| = δ. The sum runs in
/// double in index order.
/// </remarks>
public sealed class Huber
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">δ &gt; 0, where the loss turns from quadratic to linear (PyTorch default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not a positive finite number.</exception>
    public Huber(float delta = 1f)
    {
        if (!(delta > 0f && float.IsFinite(delta)))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber delta must be positive and finite.");
        }
        Delta = delta;
    }

    /// <summary>δ, the threshold between the quadratic and the linear part.</summary>
    public float Delta { get; }

    /// <summary>Computes the mean loss and overwrites <paramref name="predictionsGradient"/> with ∂L/∂x.</summary>
    /// <param name="predictions">[M] predictions x (any shape, flattened).</param>
    /// <param name="targets">[M] targets y.</param>
    /// <param name="predictionsGradient">[M] destination for ∂L/∂x; may be the same span as <paramref name="predictions"/>.</param>
    /// <returns>The mean loss; 0 for M = 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="targets"/> or <paramref name="predictionsGradient"/> differs in length from <paramref name="predictions"/>.</exception>
    public float Compute(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> predictionsGradient)
    {
        RegressionShapes.Validate(predictions, targets, predictionsGradient);
        if (predictions.IsEmpty)
        {
            return 0f;
        }
        double delta = Delta;
        double inverseCount = 1.0 / predictions.Length;
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double d = (double)predictions[i] - targets[i];
            double magnitude = Math.Abs(d);
            sum += magnitude < delta ? 0.5 * d * d : delta * (magnitude - 0.5 * delta);
            predictionsGradient[i] = (float)(Math.Clamp(d, -delta, delta) * inverseCount);
        }
        return (float)(sum * inverseCount);
    }
}
