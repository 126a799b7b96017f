using System.Numerics.Tensors;
using ParameterKit.Kernels.Numerics;

namespace ParameterKit.Training.Losses;

/// <summary>
/// Softmax followed by cross-entropy against integer class targets, fused: one pass over the logits yields the
/// mean loss and writes the gradient of that mean with respect to the logits. Matches PyTorch's
/// <c>torch.nn.functional.cross_entropy(logits, targets, weight, ignore_index, label_smoothing)</c> with
/// <c>reduction="mean"</c> (PyTorch 1.10 and later).
/// </summary>
/// <remarks>
/// <para>
/// For row i with logits z (C classes), target y, probabilities p = softmax(z), class weights w (all ones when
/// none are given), W = Σ_c w_c and smoothing ε:
/// <c>loss_i = (1 − ε)·w_y·(−log p_y) + (ε / C)·Σ_c w_c·(−log p_c)</c>, and the mean is
/// <c>L = Σ_i loss_i / Σ_i w_{y_i}</c> over the rows whose target is not <see cref="IgnoreIndex"/>.
/// The gradient is <c>∂L/∂z_j = [p_j·((1 − ε)·w_y + (ε / C)·W) − (1 − ε)·w_y·[j = y] − (ε / C)·w_j] / Σ_i w_{y_i}</c>;
/// ignored rows get zero gradient.
/// </para>
/// <para>
/// Stability: each row is shifted by its maximum before exponentiating, and the sum of exponentials, the
/// log-sum-exp and every reduction over rows run in double precision in a fixed order, so the same inputs give
/// bit-identical results run after run on a machine.
/// </para>
/// <para>
/// One deliberate difference from PyTorch: when the denominator Σ_i w_{y_i} is zero (no rows, every row
/// ignored, or every target weight zero), PyTorch returns NaN from 0/0; this returns 0 and writes zero
/// gradients, because a batch of nothing but padding is not an error and should not stop training.
/// </para>
/// </remarks>
/// <example><code>
/// var loss = new SoftmaxCrossEntropy(classes: 3, labelSmoothing: 0.1f);
/// float mean = loss.Compute(logits, targets, logitsGradient); // logits, logitsGradient: [N, 3]; targets: [N]
/// </code></example>
public sealed class SoftmaxCrossEntropy
{
    /// <summary>PyTorch's default <c>ignore_index</c>.</summary>
    public const int DefaultIgnoreIndex = -100;

    private readonly float[] _classWeights;
    private readonly double _classWeightSum;

    /// <summary>Creates the loss for <paramref name="classes"/> classes.</summary>
    /// <param name="classes">C, the number of classes (the width of each logits row).</param>
    /// <param name="classWeights">Empty for unweighted, otherwise one finite weight per class (w above); copied.</param>
    /// <param name="labelSmoothing">ε in [0, 1]: the share of the target mass spread uniformly over all classes.</param>
    /// <param name="ignoreIndex">Rows whose target equals this contribute no loss, no gradient and no count. Must lie outside [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive, <paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="ignoreIndex"/> is a valid class.</exception>
    /// <exception cref="ArgumentException"><paramref name="classWeights"/> is neither empty nor of length C, or holds a non-finite weight.</exception>
    public SoftmaxCrossEntropy(int classes, ReadOnlySpan<float> classWeights = default, float labelSmoothing = 0f, int ignoreIndex = DefaultIgnoreIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must lie in [0, 1].");
        }
        if (ignoreIndex >= 0 && ignoreIndex < classes)
        {
            throw new ArgumentOutOfRangeException(nameof(ignoreIndex), ignoreIndex, $"The ignore index must not be a valid class in [0, {classes}).");
        }
        if (!classWeights.IsEmpty && classWeights.Length != classes)
        {
            throw new ArgumentException($"Expected {classes} class weights (one per class), got {classWeights.Length}.", nameof(classWeights));
        }
        foreach (float weight in classWeights)
        {
            if (!float.IsFinite(weight))
            {
                throw new ArgumentException($"Class weights must be finite; found {weight}.", nameof(classWeights));
            }
        }
        Classes = classes;
        LabelSmoothing = labelSmoothing;
        IgnoreIndex = ignoreIndex;
        _classWeights = classWeights.ToArray();
        double sum = 0;
        foreach (float weight in _classWeights)
        {
            sum += weight;
        }
        _classWeightSum = classWeights.IsEmpty ? classes : sum;
    }

    /// <summary>C, the number of classes.</summary>
    public int Classes { get; }

    /// <summary>ε, the label smoothing.</summary>
    public float LabelSmoothing { get; }

    /// <summary>The target value that marks a row to ignore (PyTorch default −100).</summary>
    public int IgnoreIndex { get; }

    /// <summary>The class weights, or empty when the loss is unweighted.</summary>
    public ReadOnlySpan<float> ClassWeights => _classWeights;

    /// <summary>
    /// Computes the mean loss L and writes ∂L/∂logits (formulas in the type's remarks). The gradient span is
    /// overwritten, not accumulated into; it may not overlap <paramref name="logits"/>.
    /// </summary>
    /// <param name="logits">[N, C] row-major scores.</param>
    /// <param name="targets">[N] class indices in [0, C), or <see cref="IgnoreIndex"/>.</param>
    /// <param name="logitsGradient">[N, C] destination for ∂L/∂logits.</param>
    /// <returns>The mean loss; 0 when no row counts (see remarks). NaN or infinite logits propagate to the result.</returns>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not N·C long, or <paramref name="logitsGradient"/> is not as long as <paramref name="logits"/> or overlaps it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither a class in [0, C) nor <see cref="IgnoreIndex"/>.</exception>
    public float Compute(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> logitsGradient)
    {
        int c = Classes;
        ValidateShapes(logits, targets, c);
        if (logitsGradient.Length != logits.Length)
        {
            throw new ArgumentException($"logitsGradient has {logitsGradient.Length} elements; it must match logits [{targets.Length}, {c}] = {logits.Length}.", nameof(logitsGradient));
        }
        if (logits.Overlaps(logitsGradient))
        {
            // The row's logits are read again after its gradient is written (z_y, and Σ w_c·z_c with smoothing).
            throw new ArgumentException("logitsGradient overlaps logits; pass a separate buffer.", nameof(logitsGradient));
        }

        // The denominator first: it validates every target before anything is written and is needed to scale
        // each row's gradient as it is produced.
        double denominator = TargetWeightSum(targets);
        if (denominator == 0)
        {
            logitsGradient.Clear();
            return 0f;
        }

        bool weighted = _classWeights.Length > 0;
        double epsilon = LabelSmoothing;
        double smoothShare = epsilon / c;
        double lossSum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            var z = logits.Slice(i * c, c);
            var g = logitsGradient.Slice(i * c, c);
            int y = targets[i];
            if (y == IgnoreIndex)
            {
                g.Clear();
                continue;
            }

            // g holds exp(z − max) as scratch, then becomes the gradient in place.
            double logSumExp = ShiftedExponentials(z, g, out double sumExp);
            double wy = weighted ? _classWeights[y] : 1.0;
            double rowLoss = (1 - epsilon) * wy * (logSumExp - z[y]);
            if (epsilon != 0)
            {
                // Σ_c w_c·(lse − z_c) = W·lse − Σ_c w_c·z_c, summed in double in index order.
                double weightedLogits = 0;
                for (int j = 0; j < c; j++)
                {
                    weightedLogits += (weighted ? _classWeights[j] : 1.0) * z[j];
                }
                rowLoss += smoothShare * (_classWeightSum * logSumExp - weightedLogits);
            }
            lossSum += rowLoss;

            // p_j·((1 − ε)·w_y + (ε/C)·W)/D = exp(z_j − max)·scale, with scale folding 1/Σexp in.
            double rowMass = (1 - epsilon) * wy + smoothShare * _classWeightSum;
            TensorPrimitives.Multiply(g, (float)(rowMass / (sumExp * denominator)), g);
            g[y] -= (float)((1 - epsilon) * wy / denominator);
            if (epsilon != 0)
            {
                float smoothStep = (float)(smoothShare / denominator);
                if (weighted)
                {
                    TensorPrimitives.MultiplyAdd(_classWeights, -smoothStep, g, g);
                }
                else
                {
                    TensorPrimitives.Subtract(g, smoothStep, g);
                }
            }
        }
        return (float)(lossSum / denominator);
    }

    /// <summary>
    /// Writes the row-wise softmax <c>p_ij = exp(z_ij − max_j z_ij) / Σ_k exp(z_ik − max_j z_ij)</c> of
    /// <paramref name="logits"/> into <paramref name="probabilities"/> (the same length; the two may be the same span).
    /// </summary>
    /// <param name="logits">[N, C] row-major scores.</param>
    /// <param name="classes">C, the width of each row.</param>
    /// <param name="probabilities">[N, C] destination.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not a whole number of rows, or <paramref name="probabilities"/> has a different length.</exception>
    public static void Softmax(ReadOnlySpan<float> logits, int classes, Span<float> probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (logits.Length % classes != 0)
        {
            throw new ArgumentException($"logits has {logits.Length} elements, not a whole number of rows of {classes} classes.", nameof(logits));
        }
        if (probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"probabilities has {probabilities.Length} elements; it must match logits ({logits.Length}).", nameof(probabilities));
        }
        for (int start = 0; start < logits.Length; start += classes)
        {
            RowSoftmax.Forward(logits.Slice(start, classes), probabilities.Slice(start, classes));
        }
    }

    /// <summary>
    /// Writes e_j = exp(z_j − max z) into <paramref name="exponentials"/>, returns log Σ_j exp(z_j) and the
    /// double-precision sum Σ_j e_j. Shifting by the maximum keeps every e_j in (0, 1], so nothing overflows and
    /// the largest term is exactly 1; summing in double keeps a 50,000-class vocabulary exact to float precision.
    /// </summary>
    /// <remarks>The exponentials and their sum are the library's one softmax kernel (<see cref="RowSoftmax"/>), so the
    /// probabilities behind this loss's gradient are the bits <see cref="Softmax"/> and generation compute.</remarks>
    private static double ShiftedExponentials(ReadOnlySpan<float> z, Span<float> exponentials, out double sumExp)
    {
        float max = TensorPrimitives.Max(z);
        sumExp = RowSoftmax.ExpShiftedAndSum(z, max, exponentials);
        return max + Math.Log(sumExp);
    }

    private double TargetWeightSum(ReadOnlySpan<int> targets)
    {
        double sum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            int y = targets[i];
            if (y == IgnoreIndex)
            {
                continue;
            }
            if ((uint)y >= (uint)Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), y, $"targets[{i}] = {y} is neither a class in [0, {Classes}) nor the ignore index {IgnoreIndex}.");
            }
            sum += _classWeights.Length > 0 ? _classWeights[y] : 1.0;
        }
        return sum;
    }

    private static void ValidateShapes(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int classes)
    {
        if (logits.Length != (long)targets.Length * classes)
        {
            throw new ArgumentException($"logits has {logits.Length} elements; expected [N, C] = [{targets.Length}, {classes}] = {(long)targets.Length * classes} for {targets.Length} targets.", nameof(logits));
        }
    }
}
