using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// Trains the classifier with class-weighted softmax cross-entropy (GoEmotions has 2.6 "other" comments for every
/// frustrated one, so unweighted training would learn to under-call frustration, the class the chat needs most),
/// plus λ times the binary cross-entropy of GoEmotions' 28 emotions on the messages that carry them.
/// </summary>
public sealed class ClassificationTask : ITrainingTask<EncodedText>
{
    private readonly SentimentClassifier _model;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly BinaryCrossEntropyWithLogits _emotionLoss = new();
    private readonly float _emotionWeight;
    private readonly int[] _slots;
    private readonly int[] _targets = new int[SentimentClassifier.MaxBatch];
    private readonly uint[] _emotions = new uint[SentimentClassifier.MaxBatch];
    private readonly float[] _gradient = new float[SentimentClassifier.MaxBatch * 3];
    private readonly float[] _emotionTargets = new float[SentimentClassifier.MaxBatch * Emotions.Count];
    private readonly float[] _emotionLogits = new float[SentimentClassifier.MaxBatch * Emotions.Count];
    private readonly float[] _emotionGradient = new float[SentimentClassifier.MaxBatch * Emotions.Count];
    private readonly float[] _emotionGradientRows = new float[SentimentClassifier.MaxBatch * Emotions.Count];

    /// <summary>Creates the task.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="classWeights">One weight per class (see <see cref="InverseFrequencyWeights"/>).</param>
    /// <param name="emotionWeight">λ: the weight of the auxiliary emotion loss (0 trains the three classes only).</param>
    public ClassificationTask(SentimentClassifier model, ReadOnlySpan<float> classWeights, float emotionWeight = 0f)
    {
        _model = model;
        _loss = new SoftmaxCrossEntropy(3, classWeights);
        _emotionWeight = emotionWeight;
        _slots = new int[SentimentClassifier.MaxBatch * model.Encoder.SlotsPerText];
    }

    /// <summary>w_c = N / (3·n_c): each class contributes equally to the loss.</summary>
    public static float[] InverseFrequencyWeights(IReadOnlyList<EncodedText> examples)
    {
        var counts = new double[3];
        foreach (var e in examples)
        {
            counts[e.Label]++;
        }
        return counts.Select(n => (float)(examples.Count / (3 * Math.Max(n, 1)))).ToArray();
    }

    /// <inheritdoc />
    public float TrainBatch(ReadOnlySpan<EncodedText> batch)
    {
        _model.SetTraining(true);
        int n = Gather(batch);
        var slots = _slots.AsSpan(0, n * _model.Encoder.SlotsPerText);
        var logits = _model.Forward(slots, n);
        float loss = _loss.Compute(logits, _targets.AsSpan(0, n), _gradient.AsSpan(0, n * 3));
        if (_emotionWeight == 0f)
        {
            _model.Backward(slots, n, _gradient.AsSpan(0, n * 3));
            return loss;
        }
        loss += _emotionWeight * EmotionLoss(n);
        _model.Backward(slots, n, _gradient.AsSpan(0, n * 3), _emotionGradientRows.AsSpan(0, n * Emotions.Count));
        return loss;
    }

    /// <summary>
    /// The emotion loss over the batch's rows that carry emotions (support messages have none), with its gradient
    /// scattered back to those rows (λ-scaled, zero elsewhere) in <c>_emotionGradientRows</c>.
    /// </summary>
    private float EmotionLoss(int n)
    {
        int k = Emotions.Count;
        var all = _model.ForwardEmotions(n);
        int labelled = 0;
        for (int i = 0; i < n; i++)
        {
            if (_emotions[i] == 0)
            {
                continue;
            }
            all.Slice(i * k, k).CopyTo(_emotionLogits.AsSpan(labelled * k, k));
            var targets = _emotionTargets.AsSpan(labelled * k, k);
            for (int e = 0; e < k; e++)
            {
                targets[e] = (_emotions[i] >> e & 1) != 0 ? 1f : 0f;
            }
            labelled++;
        }
        var rows = _emotionGradientRows.AsSpan(0, n * k);
        rows.Clear();
        if (labelled == 0)
        {
            return 0f;
        }
        var gradient = _emotionGradient.AsSpan(0, labelled * k);
        float loss = _emotionLoss.Compute(_emotionLogits.AsSpan(0, labelled * k), _emotionTargets.AsSpan(0, labelled * k), gradient);
        // The loss is a mean over labelled rows x 28; rescale to a per-example sum over emotions, weighted by the
        // labelled share of the batch, so λ means "an emotion-labelled message's 28 binary losses count λ times".
        float scale = _emotionWeight * k * labelled / n;
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            if (_emotions[i] != 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(gradient.Slice(next++ * k, k), scale, rows.Slice(i * k, k));
            }
        }
        return loss * k * labelled / n;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reports GoEmotions' and the customer-service messages' macro-F1 apart (a message with emotions is GoEmotions',
    /// one without is a support message) and <c>score</c>, their mean (or the one there is): the early-stopping
    /// metric, so neither domain is traded away for the other.
    /// </remarks>
    public EvaluationResult Evaluate(IReadOnlyList<EncodedText> examples)
    {
        var (matrix, loss) = Score(examples);
        var goEmotions = examples.Where(e => e.Emotions != 0).ToList();
        var support = examples.Where(e => e.Emotions == 0).ToList();
        var metrics = new Dictionary<string, double>
        {
            ["accuracy"] = matrix.Accuracy,
            ["macro_f1"] = matrix.MacroF1,
            ["f1_frustrated"] = matrix.F1(Labels.Frustrated),
            ["recall_frustrated"] = matrix.Recall(Labels.Frustrated),
        };
        var scores = new List<double>();
        if (goEmotions.Count > 0)
        {
            metrics["goemotions_macro_f1"] = Score(goEmotions).Matrix.MacroF1;
            scores.Add(metrics["goemotions_macro_f1"]);
        }
        if (support.Count > 0)
        {
            metrics["support_macro_f1"] = Score(support).Matrix.MacroF1;
            scores.Add(metrics["support_macro_f1"]);
        }
        metrics["score"] = scores.Count > 0 ? scores.Average() : matrix.MacroF1;
        return new EvaluationResult(loss, metrics);
    }

    /// <summary>P(frustrated), P(positive), P(other) for every example (rows of 3), and the labels.</summary>
    public (float[] Probabilities, int[] Labels) Probabilities(IReadOnlyList<EncodedText> examples)
    {
        _model.SetTraining(false);
        var probabilities = new float[examples.Count * 3];
        var labels = new int[examples.Count];
        var batch = new EncodedText[SentimentClassifier.MaxBatch];
        for (int start = 0; start < examples.Count; start += batch.Length)
        {
            int n = Math.Min(batch.Length, examples.Count - start);
            for (int i = 0; i < n; i++)
            {
                batch[i] = examples[start + i];
                labels[start + i] = examples[start + i].Label;
            }
            Gather(batch.AsSpan(0, n));
            var logits = _model.Forward(_slots.AsSpan(0, n * _model.Encoder.SlotsPerText), n);
            SoftmaxCrossEntropy.Softmax(logits, 3, probabilities.AsSpan(start * 3, n * 3));
        }
        return (probabilities, labels);
    }

    /// <summary>The confusion matrix (argmax decisions) and mean loss of the model on <paramref name="examples"/>.</summary>
    public (ConfusionMatrix Matrix, double Loss) Score(IReadOnlyList<EncodedText> examples)
    {
        _model.SetTraining(false);
        var matrix = new ConfusionMatrix(3);
        double lossSum = 0;
        var batch = new EncodedText[SentimentClassifier.MaxBatch];
        for (int start = 0; start < examples.Count; start += batch.Length)
        {
            int n = Math.Min(batch.Length, examples.Count - start);
            for (int i = 0; i < n; i++)
            {
                batch[i] = examples[start + i];
            }
            Gather(batch.AsSpan(0, n));
            var logits = _model.Forward(_slots.AsSpan(0, n * _model.Encoder.SlotsPerText), n);
            lossSum += _loss.Compute(logits, _targets.AsSpan(0, n), _gradient.AsSpan(0, n * 3)) * n;
            matrix.AddArgMax(logits, _targets.AsSpan(0, n));
        }
        return (matrix, lossSum / Math.Max(examples.Count, 1));
    }

    private int Gather(ReadOnlySpan<EncodedText> batch)
    {
        int width = _model.Encoder.SlotsPerText;
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i].Slots.Span.CopyTo(_slots.AsSpan(i * width, width));
            _targets[i] = batch[i].Label;
            _emotions[i] = batch[i].Emotions;
        }
        return batch.Length;
    }
}
