using SentimentChat.Evaluation;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Commands;

/// <summary>
/// The baselines that <c>train</c> and <c>evaluate --baseline</c> compare the classifier with: the one place that
/// knows which baselines exist and how they are trained, so both commands print the same comparison.
/// </summary>
public static class BaselineRun
{
    /// <summary>What is printed before the baselines train, so the pause after the classifier's report is explained.</summary>
    public const string Announcement = "Training the baselines for comparison on the classifier's training texts (majority class, tuned logistic regression, fastText-style bag of n-grams)...";

    /// <summary>Trains every baseline on the classifier's training texts and scores it on <paramref name="texts"/>.</summary>
    /// <param name="texts">What to score on.</param>
    /// <param name="suffix">Added to each report's name, such as <c>" (dev)"</c>.</param>
    public static IReadOnlyList<EvaluationReport> Score(IReadOnlyList<LabeledText> texts, string suffix = "") =>
        Baselines.Train(TrainingRecipe.TrainingTexts(new RecipeOptions()))
            .Select(baseline => new EvaluationReport("baseline" + suffix + ": " + baseline.Name, baseline.Score(texts)))
            .ToList();
}
