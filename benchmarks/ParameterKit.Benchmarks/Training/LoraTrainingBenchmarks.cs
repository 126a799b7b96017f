using BenchmarkDotNet.Attributes;
using ParameterKit.Adapters;
using ParameterKit.Kernels;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.Training;
using ParameterKit.Training.Losses;

namespace ParameterKit.Benchmarks.Training;

/// <summary>
/// One fine-tuning step of GPT-2 small (random weights, 2 sequences of 128 tokens: forward, next-token cross-entropy,
/// backward, AdamW) with LoRA r = 8 on every <c>c_attn</c> against full fine-tuning, at 1 and 2 threads. Setup prints
/// the training memory of each mode (<c>// TrainingMemory</c> in the log): parameter values, gradients and optimizer
/// state, the three things that grow with the parameters (activations are the same in both modes).
/// Run: <c>dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*LoraTrainingBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class LoraTrainingBenchmarks
{
    /// <summary>1 warm-up and 3 measured steps, in-process (the 124M-parameter model is built once per case).</summary>
    private sealed class InProcessConfig() : InProcessRunsConfig(iterations: 3);

    private const int Batch = 2, Tokens = 128;
    private Gpt2Model _model = null!;
    private Optimizer _optimizer = null!;
    private SoftmaxCrossEntropy _loss = null!;
    private int[] _ids = null!, _targets = null!;
    private float[] _logits = null!, _dLogits = null!;

    /// <summary><c>LoRA</c> (r = 8, α = 16 on c_attn, base frozen) or <c>Full</c> (every parameter trained).</summary>
    [Params("LoRA", "Full")]
    public string Mode { get; set; } = "LoRA";

    /// <summary>Threads the GEMM kernels may use.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        GemmOptions.MaxDegreeOfParallelism = Threads;
        _model = Gpt2Model.Create(Gpt2Config.Small, seed: 0);
        ParameterStore trained = _model.Store;
        if (Mode == "LoRA")
        {
            trained = LoraAdapters.Attach(_model.Store, new LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["c_attn"] }).Store;
        }
        _optimizer = new AdamW(trained, 1e-4);
        int vocabulary = Gpt2Config.Small.VocabSize;
        _loss = new SoftmaxCrossEntropy(vocabulary);
        var random = new Random(0);
        _ids = [.. Enumerable.Range(0, Batch * Tokens).Select(_ => random.Next(vocabulary))];
        _targets = [.. Enumerable.Range(0, Batch * Tokens).Select(_ => random.Next(vocabulary))];
        _logits = new float[Batch * Tokens * vocabulary];
        _dLogits = new float[_logits.Length];
        Step(); // allocates every buffer a step needs (gradients at first use), so the figures below are what training holds
        long values = 4L * _model.Store.ElementCount + (Mode == "LoRA" ? 4L * trained.ElementCount : 0);
        long held = _model.Store.HeldBytes + (Mode == "LoRA" ? trained.HeldBytes : 0);
        long optimizerState = 4L * _optimizer.State.Sum(s => (long)s.Value.Length);
        Console.WriteLine($"// TrainingMemory {Mode}: values and gradients {held / 1e6:F1} MB (values alone {values / 1e6:F1} MB), " +
            $"optimizer state {optimizerState / 1e6:F1} MB, total {(held + optimizerState) / 1e6:F1} MB = " +
            $"{(double)(held + optimizerState) / (4L * _model.Store.ElementCount):F3}x the frozen model's values ({4L * _model.Store.ElementCount / 1e6:F1} MB)");
    }

    /// <summary>Forward, loss, backward and an AdamW step over what the mode trains.</summary>
    [Benchmark]
    public float Step()
    {
        _optimizer.ZeroGradients();
        _model.Forward(_ids, Batch, Tokens, _logits);
        float loss = _loss.Compute(_logits, _targets, _dLogits);
        _model.Backward(_dLogits);
        _optimizer.Step();
        return loss;
    }
}
