using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>
/// The baselines <c>evaluate --baseline</c> and <c>train</c> print beside the classifier, trained on the same training
/// texts. Their settings were chosen on the dev splits only (the grid and its results are in the sample's README).
/// </summary>
public static class Baselines
{
    /// <summary>Multinomial logistic regression over hashed word unigrams and bigrams.</summary>
    public static BagOfNgramsOptions LogisticRegression { get; } = new(
        "hashed unigram+bigram logistic regression (L2 and class weights tuned on dev)",
        Width: 0, Buckets: 1 << 20, Epochs: 4, LearningRate: 0.003, L2: 1e-4f, ClassWeighting.Inverse);

    /// <summary>fastText's supervised model: unigram and bigram embeddings averaged, then linear.</summary>
    public static BagOfNgramsOptions FastText { get; } = new(
        "fastText-style bag of n-grams (16-dim mean, linear)",
        Width: 16, Buckets: 1 << 20, Epochs: 5, LearningRate: 0.005, L2: 0f, ClassWeighting.SquareRootInverse);

    /// <summary>Trains every baseline on <paramref name="training"/>.</summary>
    public static IReadOnlyList<IBaseline> Train(IReadOnlyList<LabeledText> training) =>
    [
        new MajorityClass(training),
        new BagOfNgramsModel(LogisticRegression, training),
        new BagOfNgramsModel(FastText, training),
    ];
}
