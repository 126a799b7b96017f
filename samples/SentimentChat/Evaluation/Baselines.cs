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
/// epochs at 3e-4 (0.660) and 4 epochs at 3e-4 (0.657). When round ten's read conversations joined the training texts
/// (5 December 2026), that setting fell to 0.651 (0.654 with seed 2): with a constant learning rate the last steps
/// wander, so every change of the data moved it by a point. The regression now anneals its learning rate to zero
/// (a cosine), which settles it. Re-tuned with annealing over 60 settings: epochs {2, 3, 5} x learning rates {0.003,
/// 0.01} x λ {1e-5, 3e-5, 1e-4, 3e-4} x class weights {inverse, square-root inverse}, then 8 and 12 epochs x {0.01, 0.03}
/// x λ {1e-4, 3e-4, 1e-3} with inverse weights. With inverse weights, 5-12 epochs and λ 1e-4-3e-4 every setting reaches
/// 0.655-0.660 (2^20 buckets too), and the chosen one (5 epochs, 0.01, 1e-4) scores 0.659 / 0.656 / 0.660 with seeds
/// 1 / 2 / 3 (0.657 with seed 1 once round eleven's 40 train conversations joined). That is its ceiling on these texts,
/// not a mis-tuning: the same options trained on GoEmotions' train split alone reach 0.665; the customer-service texts
/// beside it pull its boundary away from Reddit's.
/// </summary>
public static class Baselines
{
    /// <summary>Multinomial logistic regression over hashed word unigrams and bigrams.</summary>
    public static BagOfNgramsOptions LogisticRegression { get; } = new(
        "hashed unigram+bigram logistic regression (L2 and class weights tuned on dev)",
        Width: 0, Buckets: 1 << 19, Epochs: 5, LearningRate: 0.01, L2: 1e-4f, ClassWeighting.Inverse, Annealed: true);

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
