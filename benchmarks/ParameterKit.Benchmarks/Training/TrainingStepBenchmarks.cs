using BenchmarkDotNet.Attributes;
using ParameterKit.Kernels;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Training;
using ParameterKit.Training.Losses;

namespace ParameterKit.Benchmarks.Training;

/// <summary>
/// One training step of the two workloads, at 1 and 2 threads. The PyTorch baseline runs the same
/// workloads from benchmarks/pytorch/training_step.py (Debian's python3-torch) on the same machine; the ratio is
/// reported in benchmarks/README.md. MemoryDiagnoser shows the steady-state allocation (the goal is 0 B).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
public class TrainingStepBenchmarks
{
    private const int Batch = 64, Tokens = 32, Vocabulary = 50257, Channels = 64, Classes = 3;

    private ParameterStore _bagStore = null!;
    private EmbeddingLayer _embedding = null!;
    private Linear _head = null!;
    private AdamW _bagOptimizer = null!;
    private SoftmaxCrossEntropy _loss = null!;
    private int[] _ids = null!;
    private int[] _labels = null!;
    private float[] _pooled = null!, _logits = null!, _dLogits = null!, _dPooled = null!;

    private ParameterStore _mlpStore = null!;
    private Linear _fc = null!, _proj = null!;
    private Gelu _gelu = null!;
    private AdamW _mlpOptimizer = null!;
    private float[] _x = null!, _h = null!, _a = null!, _y = null!, _dy = null!, _da = null!, _dh = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        var random = new Random(0);

        _bagStore = new ParameterStore();
        _embedding = new EmbeddingLayer(_bagStore.Scope("embedding"), Vocabulary, Channels);
        _head = new Linear(_bagStore.Scope("head"), Channels, Classes);
        _bagStore.Materialize(seed: 0);
        _bagOptimizer = new AdamW(_bagStore);
        _loss = new SoftmaxCrossEntropy(Classes);
        _ids = Enumerable.Range(0, Batch * Tokens).Select(_ => random.Next(Vocabulary)).ToArray();
        _labels = Enumerable.Range(0, Batch).Select(_ => random.Next(Classes)).ToArray();
        _pooled = new float[Batch * Channels];
        _dPooled = new float[Batch * Channels];
        _logits = new float[Batch * Classes];
        _dLogits = new float[Batch * Classes];

        _mlpStore = new ParameterStore();
        _fc = new Linear(_mlpStore.Scope("c_fc"), 768, 3072);
        _gelu = new Gelu(_mlpStore.Scope("gelu"));
        _proj = new Linear(_mlpStore.Scope("c_proj"), 3072, 768);
        _mlpStore.Materialize(seed: 0);
        _mlpOptimizer = new AdamW(_mlpStore);
        _x = Enumerable.Range(0, Batch * 768).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _dy = Enumerable.Range(0, Batch * 768).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _h = new float[Batch * 3072];
        _a = new float[Batch * 3072];
        _da = new float[Batch * 3072];
        _dh = new float[Batch * 3072];
        _y = new float[Batch * 768];
    }

    /// <summary>Bag of embeddings (50,257 x 64, mean over 32 tokens) → Linear 64 → 3 → cross-entropy → AdamW, batch 64.</summary>
    [Benchmark]
    public float BagOfEmbeddingsStep()
    {
        _bagStore.ZeroGradients();
        _embedding.ForwardPooled(_ids, Tokens, Pooling.Mean, _pooled);
        _head.Forward(_pooled, _logits, Channels);
        float loss = _loss.Compute(_logits, _labels, _dLogits);
        _head.Backward(_pooled, _dLogits, _dPooled, Channels);
        _embedding.BackwardPooled(_ids, Tokens, Pooling.Mean, _dPooled);
        _bagOptimizer.Step();
        return loss;
    }

    /// <summary>MLP 768 → 3072 (GELU) → 768, batch 64: forward and backward (the optimizer step is timed apart).</summary>
    [Benchmark]
    public float MlpForwardBackward()
    {
        _mlpStore.ZeroGradients();
        _fc.Forward(_x, _h, 768);
        _gelu.Forward(_h, _a, 3072);
        _proj.Forward(_a, _y, 3072);
        _proj.Backward(_a, _dy, _da, 3072);
        _gelu.Backward(_h, _da, _dh, 3072);
        _fc.Backward(_x, _dh, default, 768);
        return _y[0];
    }

    /// <summary>AdamW over the MLP's 4.7 million parameters.</summary>
    [Benchmark]
    public void MlpOptimizerStep() => _mlpOptimizer.Step();
}
