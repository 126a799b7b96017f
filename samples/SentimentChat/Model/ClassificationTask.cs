using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// Trains the classifier with class-weighted softmax cross-entropy: GoEmotions has 2.6 "other" comments for every
/// frustrated one, so unweighted training would learn to under-call frustration, the class the chat needs most.
/// </summary>
public sealed class ClassificationTask : ITrainingTask<EncodedText>
{
    private readonly SentimentClassifier _model;
    private readonly SoftmaxCrossEntropy _loss;
    private readonly int[] _slots;
    private readonly int[] _targets = new int[SentimentClassifier.MaxBatch];
    private readonly float[] _gradient = new float[SentimentClassifier.MaxBatch * 3];

    /// <summary>Creates the task.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="classWeights">One weight per class (see <see cref="InverseFrequencyWeights"/>).</param>
    public ClassificationTask(SentimentClassifier model, ReadOnlySpan<float> classWeights)
    {
        _model = model;
        _loss = new SoftmaxCrossEntropy(3, classWeights);
        _slots = new int[SentimentClassifier.MaxBatch * model.Encoder.SlotsPerText];
    }

    /// <summary>w_c = N / (3·n_c): each class contributes equally to the loss.</summary>
    public static float[] InverseFrequencyWeights(IReadOnlyList<EncodedText> examples) =>
        ClassWeights.InverseFrequency(examples.Select(e => e.Label).ToArray());

    /// <inheritdoc />
    public float TrainBatch(ReadOnlySpan<EncodedText> batch)
    {
        if (!_model.Trunk.IsTraining)
        {
            _model.SetTraining(true); // walks the layers: only when it changes, so steps allocate nothing
        }
        int n = Gather(batch);
        var logits = _model.Forward(_slots.AsSpan(0, n * _model.Encoder.SlotsPerText), n);
        float loss = _loss.Compute(logits, _targets.AsSpan(0, n), _gradient.AsSpan(0, n * 3));
        _model.Backward(_slots.AsSpan(0, n * _model.Encoder.SlotsPerText), n, _gradient.AsSpan(0, n * 3));
        return loss;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reports GoEmotions' and the customer-service messages' macro-F1 apart and <c>score</c>, their mean (or the one
    /// there is): the early-stopping metric, so neither domain is traded away for the other.
    /// </remarks>
    public EvaluationResult Evaluate(IReadOnlyList<EncodedText> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var (matrix, loss) = Score(examples);
        var metrics = new Dictionary<string, double>
        {
            ["accuracy"] = matrix.Accuracy,
            ["macro_f1"] = matrix.MacroF1,
            ["f1_frustrated"] = matrix.F1(Labels.Frustrated),
            ["recall_frustrated"] = matrix.Recall(Labels.Frustrated),
        };
        var scores = new List<double>();
        foreach (var (name, isSupport) in new[] { ("goemotions_macro_f1", false), ("support_macro_f1", true) })
        {
            var part = examples.Where(e => e.IsSupport == isSupport).ToList();
            if (part.Count > 0)
            {
                metrics[name] = Score(part).Matrix.MacroF1;
                scores.Add(metrics[name]);
            }
        }
        metrics["score"] = scores.Count > 0 ? scores.Average() : matrix.MacroF1;
        return new EvaluationResult(loss, metrics);
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
        }
        return batch.Length;
    }
}
