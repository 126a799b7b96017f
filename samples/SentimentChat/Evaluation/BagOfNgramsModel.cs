using System.Numerics.Tensors;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;
using ParameterKit.Training.Schedules;
using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>How a <see cref="BagOfNgramsModel"/> is built and trained.</summary>
/// <param name="Name">What it is, for reports.</param>
/// <param name="Width">0 for a linear model (each feature holds 3 logit weights, summed: logistic regression), or the
/// embedding width D of a fastText-style model (features averaged into D values, then a linear layer to 3).</param>
/// <param name="Buckets">Hashed feature ids.</param>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="L2">λ of the L2 penalty λ/2·‖w‖² on the feature weights (added to their gradient every step).</param>
/// <param name="ClassWeighting">How the loss weighs the classes.</param>
/// <param name="Annealed">Whether the learning rate falls to zero along a cosine over the run (the last steps then settle
/// on a point instead of wandering around it, so the result depends far less on the batch order), or stays constant.</param>
public sealed record BagOfNgramsOptions(string Name, int Width, int Buckets, int Epochs, double LearningRate, float L2, ClassWeighting ClassWeighting, bool Annealed = false);

/// <summary>How a baseline's loss weighs the classes.</summary>
public enum ClassWeighting
{
    /// <summary>Every example counts once.</summary>
    None,

    /// <summary>w_c = N / (3·n_c): each class contributes equally.</summary>
    Inverse,

    /// <summary>The square root of <see cref="Inverse"/>: halfway.</summary>
    SquareRootInverse,
}

/// <summary>
/// The baselines' model: hashed word unigrams and bigrams (<see cref="WordFeatures"/>) into one
/// <see cref="EmbeddingLayer"/>, either summed straight into 3 logits (multinomial logistic regression: a linear
/// model over sparse features is exactly a bag of embeddings of width 3) or averaged into D values and mapped to 3
/// by a <see cref="Linear"/> layer (fastText's supervised model). Built and trained with the same ParameterKit parts
/// as the classifier, so the comparison measures the model, not the tooling.
/// </summary>
public sealed class BagOfNgramsModel : IBaseline, ITrainingTask<int>
{
    private const int MaxBatch = 256;
    private readonly BagOfNgramsOptions _options;
    private readonly ParameterStore _store = new();
    private readonly EmbeddingLayer _table;
    private readonly Bias? _bias;
    private readonly Linear? _output;
    private SoftmaxCrossEntropy? _loss;
    private int[] _features = [];
    private int[] _labels = [];
    private readonly int[] _batchFeatures = new int[MaxBatch * WordFeatures.MaxFeatures];
    private readonly int[] _batchLabels = new int[MaxBatch];
    private readonly float[] _pooled;
    private readonly float[] _pooledGradient;
    private readonly float[] _logits = new float[MaxBatch * 3];
    private readonly float[] _gradient = new float[MaxBatch * 3];

    /// <summary>Featurizes the training texts and trains the model.</summary>
    public BagOfNgramsModel(BagOfNgramsOptions options, IReadOnlyList<LabeledText> training, ulong seed = 1)
        : this(options, seed)
    {
        Train(training, seed);
    }

    /// <summary>Declares the model with its initial values (zeros for the linear model), untrained: train it with
    /// <see cref="Train"/> or load its <see cref="Store"/> from a file.</summary>
    public BagOfNgramsModel(BagOfNgramsOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        int width = options.Width == 0 ? 3 : options.Width;
        _table = new EmbeddingLayer(_store.Scope("features"), options.Buckets, width, options.Width == 0 ? Init.Zeros : null);
        if (options.Width == 0)
        {
            _bias = _store.Scope("features").Bias(3);
        }
        else
        {
            _output = new Linear(_store.Scope("output"), width, 3);
        }
        _store.Materialize(seed);
        _pooled = new float[MaxBatch * width];
        _pooledGradient = new float[MaxBatch * width];
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>The parameters (<c>features.weight</c>, and <c>features.bias</c> or <c>output.*</c>).</summary>
    public ParameterStore Store => _store;

    /// <summary>Featurizes <paramref name="training"/> and trains on it for the options' epochs.</summary>
    /// <param name="training">The labelled texts.</param>
    /// <param name="seed">Seed of the batch order.</param>
    public void Train(IReadOnlyList<LabeledText> training, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(training);
        _features = WordFeatures.Of(training.Select(t => t.Text).ToArray(), _options.Buckets);
        _labels = training.Select(t => t.Label).ToArray();
        _loss = new SoftmaxCrossEntropy(3, Weights(_labels, _options.ClassWeighting));
        var run = new TrainerOptions { Epochs = _options.Epochs, BatchSize = 64, Seed = seed };
        var trainer = new Trainer<int>(this, new Adam(_store, _options.LearningRate), run with
        {
            LearningRate = _options.Annealed ? new CosineSchedule(_options.LearningRate, warmupSteps: 0, run.OptimizerSteps(_labels.Length)).At : null,
        });
        trainer.Fit(Enumerable.Range(0, _labels.Length).ToArray());
    }

    /// <inheritdoc />
    public float TrainBatch(ReadOnlySpan<int> batch)
    {
        int f = WordFeatures.MaxFeatures;
        for (int i = 0; i < batch.Length; i++)
        {
            _features.AsSpan(batch[i] * f, f).CopyTo(_batchFeatures.AsSpan(i * f));
            _batchLabels[i] = _labels[batch[i]];
        }
        int n = batch.Length;
        var features = _batchFeatures.AsSpan(0, n * f);
        var logits = Logits(features, n);
        float loss = _loss!.Compute(logits, _batchLabels.AsSpan(0, n), _gradient.AsSpan(0, n * 3));
        var dLogits = _gradient.AsSpan(0, n * 3);
        if (_output is null)
        {
            _table.BackwardPooled(features, f, Pooling.Sum, dLogits);
            var db = _bias!.Gradient;
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(db, dLogits.Slice(i * 3, 3), db);
            }
        }
        else
        {
            int width = _table.Columns;
            _output.Backward(_pooled.AsSpan(0, n * width), dLogits, _pooledGradient.AsSpan(0, n * width), width);
            _table.BackwardPooled(features, f, Pooling.Mean, _pooledGradient.AsSpan(0, n * width));
        }
        if (_options.L2 > 0)
        {
            // ∂(λ/2·‖w‖²)/∂w = λ·w, over the whole table: weights of unseen features decay too, as in the textbook model.
            TensorPrimitives.MultiplyAdd(_table.Table.Value, _options.L2, _table.Table.Gradient, _table.Table.Gradient);
        }
        return loss;
    }

    /// <inheritdoc />
    /// <remarks>Scores training examples by index (the loop's view of the data); held-out texts go through <see cref="Score"/>.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        int f = WordFeatures.MaxFeatures;
        var matrix = new ConfusionMatrix(3);
        for (int start = 0; start < examples.Count; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, examples.Count - start);
            for (int i = 0; i < n; i++)
            {
                _features.AsSpan(examples[start + i] * f, f).CopyTo(_batchFeatures.AsSpan(i * f));
                _batchLabels[i] = _labels[examples[start + i]];
            }
            matrix.AddArgMax(Logits(_batchFeatures.AsSpan(0, n * f), n), _batchLabels.AsSpan(0, n));
        }
        return new EvaluationResult(double.NaN, new Dictionary<string, double> { ["accuracy"] = matrix.Accuracy, ["macro_f1"] = matrix.MacroF1 });
    }

    /// <inheritdoc />
    public ConfusionMatrix Score(IReadOnlyList<LabeledText> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        // Featurized a batch at a time: the whole of a 256 MB evaluation file at once took gigabytes of features.
        var labels = texts.Select(t => t.Label).ToArray();
        var matrix = new ConfusionMatrix(3);
        var batch = new string[MaxBatch];
        for (int start = 0; start < labels.Length; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, labels.Length - start);
            for (int i = 0; i < n; i++)
            {
                batch[i] = texts[start + i].Text;
            }
            var features = WordFeatures.Of(new ArraySegment<string>(batch, 0, n), _options.Buckets);
            matrix.AddArgMax(Logits(features, n), labels.AsSpan(start, n));
        }
        return matrix;
    }

    /// <summary>P(frustrated), P(positive), P(other) for every text (rows of 3).</summary>
    public float[] Probabilities(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int f = WordFeatures.MaxFeatures;
        var features = WordFeatures.Of(texts, _options.Buckets);
        var probabilities = new float[texts.Count * 3];
        for (int start = 0; start < texts.Count; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, texts.Count - start);
            SoftmaxCrossEntropy.Softmax(Logits(features.AsSpan(start * f, n * f), n), 3, probabilities.AsSpan(start * 3, n * 3));
        }
        return probabilities;
    }

    private Span<float> Logits(ReadOnlySpan<int> features, int n)
    {
        var logits = _logits.AsSpan(0, n * 3);
        if (_output is null)
        {
            _table.ForwardPooled(features, WordFeatures.MaxFeatures, Pooling.Sum, logits);
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(logits.Slice(i * 3, 3), _bias!.Value, logits.Slice(i * 3, 3));
            }
            return logits;
        }
        int width = _table.Columns;
        var pooled = _pooled.AsSpan(0, n * width);
        _table.ForwardPooled(features, WordFeatures.MaxFeatures, Pooling.Mean, pooled);
        _output.Forward(pooled, logits, width);
        return logits;
    }

    private static float[] Weights(int[] labels, ClassWeighting weighting) => weighting switch
    {
        ClassWeighting.Inverse => ClassWeights.InverseFrequency(labels),
        ClassWeighting.SquareRootInverse => ClassWeights.InverseFrequency(labels).Select(MathF.Sqrt).ToArray(),
        _ => [1f, 1f, 1f],
    };
}
