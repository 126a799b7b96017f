using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// The decision rule that favours catching frustration: a message is <c>frustrated</c> when P(frustrated) reaches a
/// threshold τ, otherwise the likelier of positive and other. τ is chosen on the dev splits: the lowest τ (most
/// frustration caught) whose dev score stays within 0.005 of the best score any τ reaches, where the score is the
/// mean of the dev sets' macro-F1s (GoEmotions' 5,426 comments would otherwise outvote the few hundred support
/// messages the chat exists for). A missed angry customer costs more than a needless apology, but not at any price
/// in overall quality.
/// </summary>
public static class FrustrationThreshold
{
    /// <summary>How much macro-F1 may be given up for recall on frustration. 0.01 gave up a whole point of GoEmotions dev
    /// macro-F1 (0.669 against 0.677) for 0.026 of support dev recall (0.905 against 0.879, precision 0.83 against 0.87);
    /// 0.005 keeps most of both.</summary>
    public const double MacroF1Tolerance = 0.005;

    /// <summary>The label the rule gives probabilities (frustrated, positive, other).</summary>
    public static int Decide(ReadOnlySpan<float> probabilities, float threshold) =>
        probabilities[Labels.Frustrated] >= threshold ? Labels.Frustrated
        : probabilities[Labels.Positive] >= probabilities[Labels.Other] ? Labels.Positive : Labels.Other;

    /// <summary>Chooses τ from the probabilities (rows of 3) and labels of one or more dev sets.</summary>
    public static float Choose(IReadOnlyList<(float[] Probabilities, int[] Labels)> devSets)
    {
        ArgumentNullException.ThrowIfNull(devSets);
        var candidates = Enumerable.Range(10, 51).Select(i => i / 100f).ToArray(); // 0.10 .. 0.60
        var macroF1 = new double[candidates.Length];
        for (int k = 0; k < candidates.Length; k++)
        {
            macroF1[k] = devSets.Average(set => Score(set.Probabilities, set.Labels, candidates[k]).MacroF1);
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
