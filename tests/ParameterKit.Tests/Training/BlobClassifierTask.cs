using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;

namespace ParameterKit.Tests.Training;

/// <summary>One example of the toy problem: four features and one of three classes.</summary>
public readonly record struct BlobExample(float[] Features, int Label);

/// <summary>
/// A small MLP (4 → 16 → 3, with dropout) trained with softmax cross-entropy on three Gaussian blobs: big enough to
/// exercise every part of the loop, small enough that a test trains it in milliseconds. Allocation-free per batch.
/// </summary>
public sealed class BlobClassifierTask : ITrainingTask<BlobExample>
{
    private const int MaxBatch = 64;
    private readonly float[] _input = new float[MaxBatch * 4];
    private readonly float[] _logits = new float[MaxBatch * 3];
    private readonly float[] _gradient = new float[MaxBatch * 3];
    private readonly int[] _targets = new int[MaxBatch];
    private readonly SoftmaxCrossEntropy _loss = new(classes: 3);

    public BlobClassifierTask(ulong seed, float dropout = 0.1f)
    {
        Store = new ParameterStore();
        Model = new Sequential(Store.Scope("mlp"), inputWidth: 4)
            .Add(s => new Linear(s, 4, 16))
            .Add(s => new Gelu(s))
            .Add(s => new Dropout(s, dropout, seed: 7))
            .Add(s => new Linear(s, 16, 3));
        Store.Materialize(seed);
    }

    public ParameterStore Store { get; }

    public Sequential Model { get; }

    /// <summary>When set, the gradient of this parameter is poisoned with NaN at the given 1-based batch.</summary>
    public (string Name, int Batch)? PoisonGradient { get; set; }

    public int BatchesSeen { get; private set; }

    public float TrainBatch(ReadOnlySpan<BlobExample> batch)
    {
        BatchesSeen++;
        if (!Model.IsTraining)
        {
            Model.SetTraining(true);
        }
        float loss = ForwardLoss(batch, computeGradient: true);
        int n = batch.Length;
        Model.Backward(_input.AsSpan(0, n * 4), _gradient.AsSpan(0, n * 3), default, 4);
        if (PoisonGradient is { } poison && poison.Batch == BatchesSeen)
        {
            Store[poison.Name].Gradient[0] = float.NaN;
        }
        return loss;
    }

    public EvaluationResult Evaluate(IReadOnlyList<BlobExample> examples)
    {
        Model.SetTraining(false);
        var matrix = new ConfusionMatrix(3);
        double lossSum = 0;
        var batch = new BlobExample[MaxBatch];
        for (int start = 0; start < examples.Count; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, examples.Count - start);
            for (int i = 0; i < n; i++)
            {
                batch[i] = examples[start + i];
            }
            lossSum += ForwardLoss(batch.AsSpan(0, n), computeGradient: false) * n;
            matrix.AddArgMax(_logits.AsSpan(0, n * 3), _targets.AsSpan(0, n));
        }
        return new EvaluationResult(lossSum / examples.Count, new Dictionary<string, double>
        {
            ["accuracy"] = matrix.Accuracy,
            ["macro_f1"] = matrix.MacroF1,
        });
    }

    private float ForwardLoss(ReadOnlySpan<BlobExample> batch, bool computeGradient)
    {
        int n = batch.Length;
        for (int i = 0; i < n; i++)
        {
            batch[i].Features.CopyTo(_input, i * 4);
            _targets[i] = batch[i].Label;
        }
        Model.Forward(_input.AsSpan(0, n * 4), _logits.AsSpan(0, n * 3), 4);
        Span<float> gradient = computeGradient ? _gradient.AsSpan(0, n * 3) : new float[n * 3];
        return _loss.Compute(_logits.AsSpan(0, n * 3), _targets.AsSpan(0, n), gradient);
    }

    /// <summary>Three well-separated Gaussian blobs in four dimensions.</summary>
    public static BlobExample[] Data(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new BlobExample[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            var features = new float[4];
            for (int d = 0; d < 4; d++)
            {
                double centre = d == label ? 2.0 : 0.0;
                features[d] = (float)(centre + 0.6 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5));
            }
            examples[i] = new BlobExample(features, label);
        }
        return examples;
    }
}
