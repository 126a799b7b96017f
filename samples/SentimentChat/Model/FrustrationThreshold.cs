using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// The decision rule that favours catching frustration: a message is <c>frustrated</c> when P(frustrated) reaches a
/// threshold τ, otherwise the likelier of positive and other. τ is chosen on the dev split: the lowest τ (most
/// frustration caught) whose dev macro-F1 stays within 0.01 of the best macro-F1 any τ reaches. A missed angry
/// customer costs more than a needless apology, but not at any price in overall quality.
/// </summary>
public static class FrustrationThreshold
{
    /// <summary>How much macro-F1 may be given up for recall on frustration.</summary>
    public const double MacroF1Tolerance = 0.01;

    /// <summary>The label the rule gives probabilities (frustrated, positive, other).</summary>
    public static int Decide(ReadOnlySpan<float> probabilities, float threshold) =>
        probabilities[Labels.Frustrated] >= threshold ? Labels.Frustrated
        : probabilities[Labels.Positive] >= probabilities[Labels.Other] ? Labels.Positive : Labels.Other;

    /// <summary>Chooses τ from dev probabilities (rows of 3) and labels.</summary>
    public static float Choose(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels)
    {
        var candidates = Enumerable.Range(10, 41).Select(i => i / 100f).ToArray(); // 0.10 .. 0.50
        var macroF1 = new double[candidates.Length];
        for (int k = 0; k < candidates.Length; k++)
        {
            macroF1[k] = Score(probabilities, labels, candidates[k]).MacroF1;
        }
        double best = macroF1.Max();
        for (int k = 0; k < candidates.Length; k++)
        {
            if (macroF1[k] >= best - MacroF1Tolerance)
            {
                return candidates[k];
            }
        }
        return 0.5f;
    }

    /// <summary>The confusion matrix of the rule with threshold <paramref name="threshold"/>.</summary>
    public static ConfusionMatrix Score(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, float threshold)
    {
        var matrix = new ConfusionMatrix(3);
        for (int i = 0; i < labels.Length; i++)
        {
            matrix.Add(labels[i], Decide(probabilities.Slice(i * 3, 3), threshold));
        }
        return matrix;
    }
}
