using SentimentChat.Evaluation;
using SentimentChat.Model;

namespace SentimentChat.Commands;

/// <summary>The baseline that <c>train</c> and <c>evaluate --baseline</c> compare the classifier with.</summary>
public static class BaselineRun
{
    /// <summary>What is printed before the baseline trains, so the pause after the report is explained.</summary>
    public const string Announcement = "Training the baseline for comparison (hashed unigram+bigram logistic regression, 3 epochs, seed 1, on the same train split)...";

    /// <summary>Trains the baseline on the shipped train split.</summary>
    public static HashedLogisticRegression Train(SentimentClassifier model)
    {
        var train = Corpus.Train();
        var baseline = new HashedLogisticRegression(train, ClassificationTask.InverseFrequencyWeights(Corpus.Encode(model, train)));
        baseline.Fit(epochs: 3, seed: 1);
        return baseline;
    }
}
