using System.Globalization;
using System.Numerics.Tensors;
using System.Text;

namespace ParameterKit.Training.Metrics;

/// <summary>
/// Counts of (actual class, predicted class) pairs for C classes — rows are actual, columns predicted, as in
/// scikit-learn's <c>confusion_matrix</c> — and the metrics read from them: accuracy, per-class precision, recall
/// and F1, and macro-F1. Adding pairs allocates nothing, so one matrix can accumulate a whole evaluation pass.
/// </summary>
/// <remarks>
/// <para>
/// With TP_c = count[c, c], FP_c = Σ_{a≠c} count[a, c] (predicted c, was not) and FN_c = Σ_{p≠c} count[c, p]
/// (was c, predicted otherwise):
/// precision_c = TP_c / (TP_c + FP_c), recall_c = TP_c / (TP_c + FN_c), F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c).
/// A zero denominator gives 0, which is scikit-learn's <c>zero_division=0</c>: a class never predicted has
/// precision 0, a class that never occurs has recall 0.
/// </para>
/// <para>
/// Macro-F1 is the unweighted mean of F1_c over the classes that occur as an actual or a predicted label, which
/// is what <c>sklearn.metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)</c> averages over when
/// <c>labels</c> is not given. A class that is absent from both contributes nothing rather than a 0.
/// </para>
/// </remarks>
/// <example><code>
/// var matrix = new ConfusionMatrix(classes: 3);
/// matrix.AddArgMax(logits, targets);              // logits [N, 3], targets [N]
/// Console.WriteLine($"{matrix.Accuracy:P1} accuracy, macro-F1 {matrix.MacroF1:F3}");
/// </code></example>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>Creates an empty C × C matrix.</summary>
    /// <param name="classes">C, the number of classes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not positive or C² overflows an array.</exception>
    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)classes * classes, Array.MaxLength, nameof(classes));
        Classes = classes;
        _counts = new long[classes * classes];
    }

    /// <summary>C, the number of classes.</summary>
    public int Classes { get; }

    /// <summary>How many pairs have been added.</summary>
    public long Total { get; private set; }

    /// <summary>How many pairs had this actual and this predicted class.</summary>
    /// <param name="actual">The true class, in [0, C).</param>
    /// <param name="predicted">The predicted class, in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, C).</exception>
    public long this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            return _counts[actual * Classes + predicted];
        }
    }

    /// <summary>Counts one pair.</summary>
    /// <param name="actual">The true class, in [0, C).</param>
    /// <param name="predicted">The predicted class, in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, C).</exception>
    public void Add(int actual, int predicted)
    {
        CheckClass(actual, nameof(actual));
        CheckClass(predicted, nameof(predicted));
        _counts[actual * Classes + predicted]++;
        Total++;
    }

    /// <summary>Counts the pairs (actual[i], predicted[i]). Every class is checked before any is counted.</summary>
    /// <param name="actual">[N] true classes in [0, C).</param>
    /// <param name="predicted">[N] predicted classes in [0, C).</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, C); the message gives its index.</exception>
    public void Add(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (predicted.Length != actual.Length)
        {
            throw new ArgumentException($"predicted has {predicted.Length} elements; it must match actual ({actual.Length}).", nameof(predicted));
        }
        for (int i = 0; i < actual.Length; i++)
        {
            CheckClass(actual[i], nameof(actual), i);
            CheckClass(predicted[i], nameof(predicted), i);
        }
        for (int i = 0; i < actual.Length; i++)
        {
            _counts[actual[i] * Classes + predicted[i]]++;
        }
        Total += actual.Length;
    }

    /// <summary>
    /// Counts each row's prediction, the index of its largest logit (the first one on ties, as
    /// <c>torch.argmax</c>; a NaN counts as largest), against its target. Rows whose target is
    /// <paramref name="ignoreIndex"/> are skipped, as the loss skips them.
    /// </summary>
    /// <param name="logits">[N, C] row-major scores (probabilities work equally).</param>
    /// <param name="actual">[N] true classes in [0, C), or <paramref name="ignoreIndex"/>.</param>
    /// <param name="ignoreIndex">The target that marks a row to skip (PyTorch's default −100).</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is not N·C long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is neither a class nor <paramref name="ignoreIndex"/>.</exception>
    public void AddArgMax(ReadOnlySpan<float> logits, ReadOnlySpan<int> actual, int ignoreIndex = Losses.SoftmaxCrossEntropy.DefaultIgnoreIndex)
    {
        if (logits.Length != (long)actual.Length * Classes)
        {
            throw new ArgumentException($"logits has {logits.Length} elements; expected [N, C] = [{actual.Length}, {Classes}] for {actual.Length} targets.", nameof(logits));
        }
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] != ignoreIndex)
            {
                CheckClass(actual[i], nameof(actual), i);
            }
        }
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] != ignoreIndex)
            {
                _counts[actual[i] * Classes + TensorPrimitives.IndexOfMax(logits.Slice(i * Classes, Classes))]++;
                Total++;
            }
        }
    }

    /// <summary>Sets every count to zero.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Total = 0;
    }

    /// <summary>The share of pairs on the diagonal, Σ_c TP_c / Total; 0 when empty.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < Classes; c++)
            {
                correct += _counts[c * Classes + c];
            }
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>How many pairs had actual class <paramref name="c"/> (its support, TP + FN).</summary>
    /// <param name="c">A class in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, C).</exception>
    public long Support(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int p = 0; p < Classes; p++)
        {
            sum += _counts[c * Classes + p];
        }
        return sum;
    }

    /// <summary>How many pairs predicted class <paramref name="c"/> (TP + FP).</summary>
    /// <param name="c">A class in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, C).</exception>
    public long PredictedCount(int c)
    {
        CheckClass(c, nameof(c));
        long sum = 0;
        for (int a = 0; a < Classes; a++)
        {
            sum += _counts[a * Classes + c];
        }
        return sum;
    }

    /// <summary>TP_c / (TP_c + FP_c); 0 when class <paramref name="c"/> was never predicted (zero_division=0).</summary>
    /// <param name="c">A class in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, C).</exception>
    public double Precision(int c) => Ratio(TruePositives(c), PredictedCount(c));

    /// <summary>TP_c / (TP_c + FN_c); 0 when class <paramref name="c"/> never occurred (zero_division=0).</summary>
    /// <param name="c">A class in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, C).</exception>
    public double Recall(int c) => Ratio(TruePositives(c), Support(c));

    /// <summary>2·TP_c / (2·TP_c + FP_c + FN_c), the harmonic mean of precision and recall; 0 when the class neither occurred nor was predicted.</summary>
    /// <param name="c">A class in [0, C).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, C).</exception>
    public double F1(int c)
    {
        long tp = TruePositives(c);
        return Ratio(2 * tp, Support(c) + PredictedCount(c));
    }

    /// <summary>The mean of <see cref="F1(int)"/> over the classes that occur as actual or predicted (see remarks); 0 when empty.</summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            int present = 0;
            for (int c = 0; c < Classes; c++)
            {
                if (Support(c) + PredictedCount(c) > 0)
                {
                    sum += F1(c);
                    present++;
                }
            }
            return present == 0 ? 0 : sum / present;
        }
    }

    /// <summary>
    /// The counts as a table (rows actual, columns predicted), then precision, recall, F1 and support per class,
    /// then accuracy and macro-F1. Numbers are formatted with the invariant culture.
    /// </summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        int width = Math.Max(7, _counts.Length == 0 ? 1 : _counts.Max().ToString(culture).Length + 2);
        var text = new StringBuilder();
        text.Append(culture, $"{"actual \\ predicted",-20}");
        for (int p = 0; p < Classes; p++)
        {
            text.Append(p.ToString(culture).PadLeft(width));
        }
        text.AppendLine();
        for (int a = 0; a < Classes; a++)
        {
            text.Append(culture, $"{a,-20}");
            for (int p = 0; p < Classes; p++)
            {
                text.Append(_counts[a * Classes + p].ToString(culture).PadLeft(width));
            }
            text.AppendLine();
        }
        text.AppendLine();
        text.AppendLine(culture, $"{"class",-8}{"precision",10}{"recall",10}{"f1",10}{"support",10}");
        for (int c = 0; c < Classes; c++)
        {
            text.AppendLine(culture, $"{c,-8}{Precision(c),10:F4}{Recall(c),10:F4}{F1(c),10:F4}{Support(c),10}");
        }
        text.AppendLine();
        text.Append(culture, $"accuracy {Accuracy:F4}  macro-F1 {MacroF1:F4}  over {Total} samples");
        return text.ToString();
    }

    private long TruePositives(int c)
    {
        CheckClass(c, nameof(c));
        return _counts[c * Classes + c];
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private void CheckClass(int c, string argument)
    {
        if ((uint)c >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(argument, c, $"Class {c} is outside [0, {Classes}).");
        }
    }

    private void CheckClass(int c, string argument, int index)
    {
        if ((uint)c >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(argument, c, $"{argument}[{index}] = {c} is outside [0, {Classes}).");
        }
    }
}
