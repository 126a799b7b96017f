using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>
/// The baselines <c>evaluate --baseline</c> and <c>train</c> print beside the classifier, trained on the same training
/// texts. Their settings were chosen on GoEmotions' dev split only: for the regression, L2 λ in {0, 1e-6, 1e-5, 3e-5,
/// 1e-4, 3e-4} x class weights {none, square-root inverse, inverse} x 2-8 epochs, then 2^18-2^20 buckets (2^19 is the
/// smallest that keeps it at 0.66); for the fastText-style model, widths 16/32, learning rates 0.002-0.03, 3-5 epochs.
/// Re-tuned when the fifth round of support messages joined the training texts (4 December 2026): 4 epochs fell to 0.655,
/// 3 epochs scores 0.662 with seed 1 (0.651-0.658 with seeds 2 and 3; every setting of the grid spreads about as much
/// from seed to seed, so the regression is 0.65-0.66 on GoEmotions dev, not better). Re-tuned when round seven's
/// conversations joined (same day; seed 1 unless said): 3 epochs fell to 0.655 (0.652 / 0.657 with seeds 2 / 3), 4
/// epochs at λ = 1e-4 with inverse weights is the best of the grid's 60 settings, 0.660 (0.658 / 0.655), ahead of 5
/// epochs at 3e-4 (0.660) and 4 epochs at 3e-4 (0.657).
/// </summary>
public static class Baselines
{
    /// <summary>Multinomial logistic regression over hashed word unigrams and bigrams.</summary>
    public static BagOfNgramsOptions LogisticRegression { get; } = new(
        "hashed unigram+bigram logistic regression (L2 and class weights tuned on dev)",
        Width: 0, Buckets: 1 << 19, Epochs: 4, LearningRate: 0.003, L2: 1e-4f, ClassWeighting.Inverse);

    /// <summary>fastText's supervised model: unigram and bigram embeddings averaged, then linear.</summary>
    public static BagOfNgramsOptions FastText { get; } = new(
        "fastText-style bag of n-grams (16-dim mean, linear)",
        Width: 16, Buckets: 1 << 17, Epochs: 5, LearningRate: 0.005, L2: 0f, ClassWeighting.Inverse);

    /// <summary>Trains every baseline on <paramref name="training"/>.</summary>
    public static IReadOnlyList<IBaseline> Train(IReadOnlyList<LabeledText> training) =>
    [
        new MajorityClass(training),
        new BagOfNgramsModel(LogisticRegression, training),
        new BagOfNgramsModel(FastText, training),
    ];
}
