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

    /// <summary>Trains every baseline once on the classifier's training texts and scores it on each set.</summary>
    /// <param name="sets">What to score on, each with a suffix for the report names, such as <c>" (dev)"</c>.</param>
    public static IReadOnlyList<EvaluationReport> Score(params (string Suffix, IReadOnlyList<LabeledText> Texts)[] sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var baselines = Baselines.Train(TrainingRecipe.TrainingTexts(new RecipeOptions()));
        return sets.SelectMany(set => baselines.Select(b => new EvaluationReport("baseline" + set.Suffix + ": " + b.Name, b.Score(set.Texts)))).ToList();
    }
}
