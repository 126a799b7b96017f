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
    public const string Announcement = "Training the baselines for comparison on the same train split (hashed unigram+bigram logistic regression, 3 epochs, seed 1)...";

    /// <summary>Trains every baseline on the shipped train split and scores it on <paramref name="texts"/>.</summary>
    /// <param name="model">The classifier (its tokenizer encodes the class weights' counts).</param>
    /// <param name="texts">What to score on.</param>
    /// <param name="suffix">Added to each report's name, such as <c>" (dev)"</c>.</param>
    public static IReadOnlyList<EvaluationReport> Score(SentimentClassifier model, IReadOnlyList<LabeledText> texts, string suffix = "")
    {
        var train = Corpus.Train();
        var regression = new HashedLogisticRegression(train, ClassificationTask.InverseFrequencyWeights(Corpus.Encode(model, train)));
        regression.Fit(epochs: 3, seed: 1);
        return [new EvaluationReport("baseline" + suffix + ": hashed unigram+bigram logistic regression", regression.Score(texts))];
    }
}
