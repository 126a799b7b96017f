using System.Numerics.Tensors;

namespace ParameterKit.Training.Metrics;

/// <summary>
/// One-shot classification metrics over spans, for when a <see cref="ConfusionMatrix"/> is more than needed.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// Writes each row's predicted class, the index of its largest score (the first on ties, as
    /// <c>torch.argmax</c>; a NaN counts as largest), into <paramref name="predictions"/>.
    /// </summary>
    /// <param name="logits">[N, C] row-major scores.</param>
    /// <param name="classes">C, the width of each row.</param>
    /// <param name="predictions">[N] destination.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not <paramref name="predictions"/>.Length · C long.</exception>
    public static void ArgMax(ReadOnlySpan<float> logits, int classes, Span<int> predictions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (logits.Length != (long)predictions.Length * classes)
        {
            throw new ArgumentException($"logits has {logits.Length} elements; expected [N, C] = [{predictions.Length}, {classes}] for {predictions.Length} predictions.", nameof(logits));
        }
        for (int i = 0; i < predictions.Length; i++)
        {
            predictions[i] = TensorPrimitives.IndexOfMax(logits.Slice(i * classes, classes));
        }
    }

    /// <summary>The share of positions where <paramref name="predicted"/> equals <paramref name="actual"/>; 0 when both are empty.</summary>
    /// <param name="actual">[N] true classes.</param>
    /// <param name="predicted">[N] predicted classes.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (predicted.Length != actual.Length)
        {
            throw new ArgumentException($"predicted has {predicted.Length} elements; it must match actual ({actual.Length}).", nameof(predicted));
        }
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == predicted[i])
            {
                correct++;
            }
        }
        return actual.IsEmpty ? 0 : (double)correct / actual.Length;
    }

    /// <summary>
    /// Perplexity <c>exp(L)</c> from a mean cross-entropy L in nats (the value
    /// <see cref="Losses.SoftmaxCrossEntropy.Compute"/> returns): the number of equally likely choices that would
    /// leave a model as uncertain. Average the losses of several batches weighted by their token counts before
    /// exponentiating; the mean of per-batch perplexities is not the perplexity of the whole. Use a loss without
    /// label smoothing or class weights: either changes L into something that is no longer a log-likelihood.
    /// </summary>
    /// <param name="meanCrossEntropy">L ≥ 0 in nats; NaN and +∞ propagate.</param>
    /// <returns>exp(L), at least 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanCrossEntropy"/> is negative.</exception>
    public static double Perplexity(double meanCrossEntropy)
    {
        if (meanCrossEntropy < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(meanCrossEntropy), meanCrossEntropy, "A cross-entropy is never negative.");
        }
        return Math.Exp(meanCrossEntropy);
    }
}
