using FsCheck;
using FsCheck.Xunit;
using ParameterKit.Training.Metrics;

namespace ParameterKit.Tests.Training;

/// <summary>
/// The confusion matrix and its metrics: a worked example whose numbers were computed by hand from scikit-learn's
/// definitions (zero_division=0, macro average over the labels present), and properties against a naive
/// recount of random label pairs.
/// </summary>
public sealed class MetricTests
{
    // C = 5. Class 3 occurs once but is never predicted; class 4 appears nowhere.
    private static readonly int[] Actual = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3];
    private static readonly int[] Predicted = [0, 1, 0, 1, 1, 2, 0, 2, 1, 1];

    [Fact]
    public void WorkedExampleMatchesScikitLearnDefinitions()
    {
        var m = new ConfusionMatrix(5);
        m.Add(Actual, Predicted);

        Assert.Equal(10, m.Total);
        Assert.Equal(2, m[0, 0]);
        Assert.Equal(1, m[2, 0]);
        Assert.Equal(0.6, m.Accuracy, 12);
        // Class 0: TP 2, FP 1, FN 1. Class 1: TP 2, FP 3, FN 0. Class 2: TP 2, FP 0, FN 2. Class 3: TP 0, FP 0, FN 1.
        double[] precision = [2 / 3.0, 2 / 5.0, 1, 0, 0];
        double[] recall = [2 / 3.0, 1, 0.5, 0, 0];
        double[] f1 = [2 / 3.0, 4 / 7.0, 2 / 3.0, 0, 0];
        for (int c = 0; c < 5; c++)
        {
            Assert.Equal(precision[c], m.Precision(c), 12);
            Assert.Equal(recall[c], m.Recall(c), 12);
            Assert.Equal(f1[c], m.F1(c), 12);
        }
        // Mean over classes 0..3 (class 4 occurs nowhere, so sklearn's inferred labels leave it out): 10/21.
        Assert.Equal(10 / 21.0, m.MacroF1, 12);
        Assert.Equal(0.6, ClassificationMetrics.Accuracy(Actual, Predicted), 12);
    }

    [Fact]
    public void ToStringShowsCountsAndMetrics()
    {
        var m = new ConfusionMatrix(5);
        m.Add(Actual, Predicted);
        string text = m.ToString();
        Assert.Contains("actual \\ predicted", text, StringComparison.Ordinal);
        Assert.Contains("accuracy 0.6000  macro-F1 0.4762  over 10 samples", text, StringComparison.Ordinal);
        Assert.Contains("1           0.4000    1.0000    0.5714         2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyMatrixReportsZeros()
    {
        var m = new ConfusionMatrix(3);
        Assert.Equal(0, m.Accuracy);
        Assert.Equal(0, m.MacroF1);
        Assert.Equal(0, m.Precision(1));
        m.Add(1, 2);
        m.Reset();
        Assert.Equal(0, m.Total);
        Assert.Equal(0, m[1, 2]);
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var m = new ConfusionMatrix(3);
        Assert.Equal("predicted", Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(0, 3)).ParamName);
        Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => m.Add([0, 1], [0])).ParamName);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => m.Add([0, 1, -1], [0, 1, 2]));
        Assert.Equal("actual", bad.ParamName);
        Assert.Contains("actual[2] = -1", bad.Message, StringComparison.Ordinal);
        Assert.Equal(0, m.Total); // nothing was counted before the bad pair was found
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => m.AddArgMax(new float[5], [0, 1])).ParamName);
        Assert.Equal("meanCrossEntropy", Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Perplexity(-1)).ParamName);
    }

    [Fact]
    public void ArgMaxTakesTheFirstOfTiesAndSkipsIgnoredRows()
    {
        float[] logits = [1f, 3f, 3f, 0f, 5f, 5f, 2f, 2f, 2f];
        var predictions = new int[3];
        ClassificationMetrics.ArgMax(logits, 3, predictions);
        Assert.Equal([1, 1, 0], predictions);

        var m = new ConfusionMatrix(3);
        m.AddArgMax(logits, [1, -100, 2]);
        Assert.Equal(2, m.Total);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[2, 0]);
    }

    [Fact]
    public void PerplexityIsExpOfMeanCrossEntropy()
    {
        Assert.Equal(1.0, ClassificationMetrics.Perplexity(0));
        // A uniform guess over V classes has cross-entropy log V and perplexity V.
        Assert.Equal(50257, ClassificationMetrics.Perplexity(Math.Log(50257)), 6);
    }

    [Property(MaxTest = 100)]
    public void MetricsMatchANaiveRecount(PositiveInt classesSeed, NonEmptyArray<int> pairSeeds)
    {
        int classes = 1 + classesSeed.Get % 13;
        var actual = pairSeeds.Get.Select(v => (int)((uint)v % classes)).ToArray();
        var predicted = pairSeeds.Get.Select(v => (int)((uint)(v / 7 + 3) % classes)).ToArray();
        var m = new ConfusionMatrix(classes);
        m.Add(actual, predicted);
        var oneByOne = new ConfusionMatrix(classes);
        for (int i = 0; i < actual.Length; i++)
        {
            oneByOne.Add(actual[i], predicted[i]);
        }

        var pairs = actual.Zip(predicted).ToArray();
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            int tp = pairs.Count(p => p.First == c && p.Second == c);
            int fp = pairs.Count(p => p.First != c && p.Second == c);
            int fn = pairs.Count(p => p.First == c && p.Second != c);
            Assert.Equal(tp + fp == 0 ? 0 : (double)tp / (tp + fp), m.Precision(c), 12);
            Assert.Equal(tp + fn == 0 ? 0 : (double)tp / (tp + fn), m.Recall(c), 12);
            double p = m.Precision(c), r = m.Recall(c);
            Assert.Equal(p + r == 0 ? 0 : 2 * p * r / (p + r), m.F1(c), 12);
            if (tp + fp + fn > 0)
            {
                f1Sum += m.F1(c);
                present++;
            }
            for (int q = 0; q < classes; q++)
            {
                Assert.Equal(oneByOne[c, q], m[c, q]);
            }
        }
        Assert.Equal(f1Sum / present, m.MacroF1, 12);
        Assert.Equal(ClassificationMetrics.Accuracy(actual, predicted), m.Accuracy, 12);
        Assert.Equal(actual.Length, m.Total);
        Assert.Contains($"over {actual.Length} samples", m.ToString(), StringComparison.Ordinal);
    }
}
