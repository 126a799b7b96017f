namespace ParameterKit.Training.Losses;

/// <summary>
/// Sigmoid followed by binary cross-entropy, fused and stable: the mean loss over every element and its
/// gradient with respect to the logits. Matches PyTorch's
/// <c>torch.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight)</c> with
/// <c>reduction="mean"</c>.
/// </summary>
/// <remarks>
/// For logit x, target y in [0, 1] and positive weight q (1 when none is given):
/// <c>ℓ = −q·y·log σ(x) − (1 − y)·log(1 − σ(x))</c>, computed as
/// <c>ℓ = (1 − y)·x + (1 + (q − 1)·y)·(log(1 + exp(−|x|)) + max(−x, 0))</c>, which never exponentiates a
/// positive number (PyTorch's form). The mean is <c>L = Σ ℓ / M</c> over all M elements, and
/// <c>∂L/∂x = (σ(x)·(q·y + 1 − y) − q·y) / M</c>. The positive weights broadcast over the last dimension:
/// element k uses <c>q[k mod K]</c> for K weights, as PyTorch broadcasts a <c>pos_weight</c> of shape [K].
/// Sums run in double in index order.
/// </remarks>
public sealed class BinaryCrossEntropyWithLogits
{
    private readonly float[] _positiveWeights;

    /// <summary>Creates the loss.</summary>
    /// <param name="positiveWeights">Empty, or K finite weights q for the positive term, broadcast over the last dimension (PyTorch's <c>pos_weight</c>); copied.</param>
    /// <exception cref="ArgumentException">A positive weight is not finite.</exception>
    public BinaryCrossEntropyWithLogits(ReadOnlySpan<float> positiveWeights = default)
    {
        foreach (float weight in positiveWeights)
        {
            if (!float.IsFinite(weight))
            {
                throw new ArgumentException($"Positive weights must be finite; found {weight}.", nameof(positiveWeights));
            }
        }
        _positiveWeights = positiveWeights.ToArray();
    }

    /// <summary>The positive weights q, or empty.</summary>
    public ReadOnlySpan<float> PositiveWeights => _positiveWeights;

    /// <summary>Computes the mean loss L and overwrites <paramref name="logitsGradient"/> with ∂L/∂x (formulas in remarks).</summary>
    /// <param name="logits">[M] logits x (any shape, flattened; with K positive weights, [M / K, K]).</param>
    /// <param name="targets">[M] targets y, usually in [0, 1] (soft labels allowed).</param>
    /// <param name="logitsGradient">[M] destination for ∂L/∂x.</param>
    /// <returns>The mean loss; 0 for M = 0.</returns>
    /// <exception cref="ArgumentException"><paramref name="targets"/> or <paramref name="logitsGradient"/> differs in length from <paramref name="logits"/>, or M is not a multiple of K.</exception>
    public float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> logitsGradient)
    {
        if (targets.Length != logits.Length)
        {
            throw new ArgumentException($"targets has {targets.Length} elements; it must match logits ({logits.Length}).", nameof(targets));
        }
        if (logitsGradient.Length != logits.Length)
        {
            throw new ArgumentException($"logitsGradient has {logitsGradient.Length} elements; it must match logits ({logits.Length}).", nameof(logitsGradient));
        }
        int k = _positiveWeights.Length;
        if (k > 0 && logits.Length % k != 0)
        {
            throw new ArgumentException($"logits has {logits.Length} elements, not a whole number of rows of the {k} positive weights.", nameof(logits));
        }
        if (logits.IsEmpty)
        {
            return 0f;
        }

        double inverseCount = 1.0 / logits.Length;
        double lossSum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], y = targets[i];
            double q = k > 0 ? _positiveWeights[i % k] : 1.0;
            // log(1 + exp(−|x|)) + max(−x, 0) = −log σ(x), without overflow for either sign of x.
            double negativeLogSigmoid = Math.Log(1 + Math.Exp(-Math.Abs(x))) + Math.Max(-x, 0);
            lossSum += (1 - y) * x + (1 + (q - 1) * y) * negativeLogSigmoid;
            double sigmoid = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
            logitsGradient[i] = (float)((sigmoid * (q * y + 1 - y) - q * y) * inverseCount);
        }
        return (float)(lossSum * inverseCount);
    }
}
