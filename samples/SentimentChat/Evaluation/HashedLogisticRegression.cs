using System.Text;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>
/// The baseline the classifier must beat: multinomial logistic regression over hashed word unigrams and bigrams
/// (lower-cased, split on non-letters), trained on the same split with the same class weights.
/// </summary>
/// <remarks>
/// A linear model over sparse features is exactly a bag of embeddings of width 3 summed over the features, so it is
/// built from the same ParameterKit parts: an <see cref="EmbeddingLayer"/> of buckets x 3 with sum pooling, plus a
/// bias, trained with AdamW and L2-free (the usual strong setting for this baseline on short texts).
/// </remarks>
public sealed class HashedLogisticRegression : ITrainingTask<int>
{
    private const int Buckets = 1 << 18;
    private const int MaxFeatures = 128;
    private readonly ParameterStore _store = new();
    private readonly EmbeddingLayer _weights;
    private readonly Bias _bias;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly int[] _features;
    private readonly int[] _labels;
    private readonly int[] _batchFeatures = new int[256 * MaxFeatures];
    private readonly int[] _batchLabels = new int[256];
    private readonly float[] _logits = new float[256 * 3];
    private readonly float[] _gradient = new float[256 * 3];

    /// <summary>Featurizes the training texts and declares the model.</summary>
    public HashedLogisticRegression(IReadOnlyList<LabeledText> training, ReadOnlySpan<float> classWeights)
    {
        _weights = new EmbeddingLayer(_store.Scope("weights"), Buckets, 3, ParameterKit.Parameters.Initializers.Init.Zeros);
        _bias = _store.Scope("weights").Bias(3);
        _store.Materialize(seed: 0);
        _loss = new SoftmaxCrossEntropy(3, classWeights);
        (_features, _labels) = Featurize(training);
    }

    /// <summary>The training examples, by index (what <see cref="Trainer{TExample}"/> shuffles).</summary>
    public IReadOnlyList<int> Examples => Enumerable.Range(0, _labels.Length).ToArray();

    /// <summary>Trains for <paramref name="epochs"/> epochs.</summary>
    public void Fit(int epochs, ulong seed)
    {
        var trainer = new Trainer<int>(this, new AdamW(_store, learningRate: 0.01, weightDecay: 0), new TrainerOptions { Epochs = epochs, BatchSize = 64, Seed = seed });
        trainer.Fit(Examples);
    }

    /// <inheritdoc />
    public float TrainBatch(ReadOnlySpan<int> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            _features.AsSpan(batch[i] * MaxFeatures, MaxFeatures).CopyTo(_batchFeatures.AsSpan(i * MaxFeatures));
            _batchLabels[i] = _labels[batch[i]];
        }
        int n = batch.Length;
        var logits = Logits(_batchFeatures.AsSpan(0, n * MaxFeatures), n);
        float loss = _loss.Compute(logits, _batchLabels.AsSpan(0, n), _gradient.AsSpan(0, n * 3));
        _weights.BackwardPooled(_batchFeatures.AsSpan(0, n * MaxFeatures), MaxFeatures, Pooling.Sum, _gradient.AsSpan(0, n * 3));
        var db = _bias.Gradient;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                db[c] += _gradient[i * 3 + c];
            }
        }
        return loss;
    }

    /// <inheritdoc />
    /// <remarks>Scores training examples by index (the loop's view of the data); held-out texts go through <see cref="Score"/>.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int> examples)
    {
        var matrix = new ConfusionMatrix(3);
        for (int start = 0; start < examples.Count; start += 256)
        {
            int n = Math.Min(256, examples.Count - start);
            for (int i = 0; i < n; i++)
            {
                _features.AsSpan(examples[start + i] * MaxFeatures, MaxFeatures).CopyTo(_batchFeatures.AsSpan(i * MaxFeatures));
                _batchLabels[i] = _labels[examples[start + i]];
            }
            matrix.AddArgMax(Logits(_batchFeatures.AsSpan(0, n * MaxFeatures), n), _batchLabels.AsSpan(0, n));
        }
        return new EvaluationResult(double.NaN, new Dictionary<string, double> { ["accuracy"] = matrix.Accuracy, ["macro_f1"] = matrix.MacroF1 });
    }

    /// <summary>The confusion matrix on labelled texts.</summary>
    public ConfusionMatrix Score(IReadOnlyList<LabeledText> texts)
    {
        var (features, labels) = Featurize(texts);
        var matrix = new ConfusionMatrix(3);
        for (int start = 0; start < labels.Length; start += 256)
        {
            int n = Math.Min(256, labels.Length - start);
            var logits = Logits(features.AsSpan(start * MaxFeatures, n * MaxFeatures), n);
            matrix.AddArgMax(logits, labels.AsSpan(start, n));
        }
        return matrix;
    }

    private Span<float> Logits(ReadOnlySpan<int> features, int n)
    {
        var logits = _logits.AsSpan(0, n * 3);
        _weights.ForwardPooled(features, MaxFeatures, Pooling.Sum, logits);
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                logits[i * 3 + c] += _bias.Value[c];
            }
        }
        return logits;
    }

    private static (int[] Features, int[] Labels) Featurize(IReadOnlyList<LabeledText> texts)
    {
        var features = new int[texts.Count * MaxFeatures];
        features.AsSpan().Fill(-1);
        var labels = new int[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            labels[i] = texts[i].Label;
            var words = Words(texts[i].Text);
            int slot = 0;
            for (int w = 0; w < words.Count && slot < MaxFeatures; w++)
            {
                features[i * MaxFeatures + slot++] = Hash(words[w]);
                if (w > 0 && slot < MaxFeatures)
                {
                    features[i * MaxFeatures + slot++] = Hash(words[w - 1] + " " + words[w]);
                }
            }
        }
        return (features, labels);
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (char ch in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch) || ch == '\'')
            {
                current.Append(ch);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }
        return words;
    }

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes (string.GetHashCode is randomized).</summary>
    private static int Hash(string feature)
    {
        uint hash = 2166136261;
        foreach (char ch in feature)
        {
            hash = (hash ^ ch) * 16777619;
        }
        return (int)(hash % Buckets);
    }
}
