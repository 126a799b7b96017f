using ParameterKit.Models.Gpt2;
using ParameterKit.Training;
using ParameterKit.Training.Losses;

namespace ParameterKit.Models.Llama;

/// <summary>
/// Next-token prediction for <see cref="Trainer{TExample}"/> on a <see cref="LlamaModel"/>: each example is a window of
/// T + 1 token ids; the model reads the first T and is scored on predicting each following one,
/// <c>L = −(1/N) Σ_{b,t} log softmax(logits[b,t])[w[b,t+1]]</c> over the N = B·T positions (tokens equal to
/// <see cref="SoftmaxCrossEntropy.DefaultIgnoreIndex"/> are not scored). Windows are cut as for GPT-2, with
/// <see cref="Gpt2LanguageModelTask.Windows"/>.
/// </summary>
/// <remarks>
/// Freeze what should not move before building the optimizer, for example <c>store.Freeze(ParameterKind.Embedding)</c>
/// to keep <c>model.embed_tokens</c> (and so a tied head) fixed; frozen parameters receive no gradient.
/// </remarks>
/// <example>
/// <code>
/// var task = new LlamaLanguageModelTask(model);
/// var windows = Gpt2LanguageModelTask.Windows(ids, length: 65, stride: 32);
/// new Trainer&lt;int[]&gt;(task, new AdamW(model.Store, 1e-4), new TrainerOptions { BatchSize = 4 }).Fit(windows);
/// </code>
/// </example>
public sealed class LlamaLanguageModelTask : ITrainingTask<int[]>
{
    private readonly SoftmaxCrossEntropy _loss;
    private int[] _inputs = [];
    private int[] _targets = [];
    private float[] _logits = [];
    private float[] _gradient = [];

    /// <summary>Trains <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model.</param>
    public LlamaLanguageModelTask(LlamaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _loss = new SoftmaxCrossEntropy(model.Config.VocabSize);
    }

    /// <summary>The model.</summary>
    public LlamaModel Model { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The windows differ in length or are shorter than 2.</exception>
    public float TrainBatch(ReadOnlySpan<int[]> batch)
    {
        if (!Model.IsTraining)
        {
            Model.SetTraining(true);
        }
        float loss = ForwardLoss(batch, out int rows);
        Model.Backward(_gradient.AsSpan(0, rows * Model.Config.VocabSize));
        return loss;
    }

    /// <inheritdoc />
    /// <remarks>Reports <c>perplexity</c> = exp(mean loss) besides the loss.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int[]> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        Model.SetTraining(false);
        double sum = 0;
        long positions = 0;
        var one = new int[1][];
        foreach (int[] example in examples)
        {
            one[0] = example;
            sum += (double)ForwardLoss(one, out int rows) * rows;
            positions += rows;
        }
        double mean = positions == 0 ? 0 : sum / positions;
        return new EvaluationResult(mean, new Dictionary<string, double> { ["perplexity"] = Math.Exp(mean) });
    }

    private float ForwardLoss(ReadOnlySpan<int[]> batch, out int rows)
    {
        if (batch.IsEmpty)
        {
            throw new ArgumentException("The batch is empty.", nameof(batch));
        }
        int t = batch[0].Length - 1, b = batch.Length, v = Model.Config.VocabSize;
        if (t < 1)
        {
            throw new ArgumentException("A window needs at least two tokens: an input and the token that follows it.", nameof(batch));
        }
        rows = b * t;
        if (_inputs.Length < rows)
        {
            _inputs = new int[rows];
            _targets = new int[rows];
        }
        if (_logits.Length < (long)rows * v)
        {
            _logits = new float[rows * v];
            _gradient = new float[rows * v];
        }
        for (int i = 0; i < b; i++)
        {
            int[] window = batch[i];
            if (window.Length != t + 1)
            {
                throw new ArgumentException($"Window {i} has {window.Length} tokens; every window of a batch needs T + 1 = {t + 1}.", nameof(batch));
            }
            window.AsSpan(0, t).CopyTo(_inputs.AsSpan(i * t, t));
            window.AsSpan(1, t).CopyTo(_targets.AsSpan(i * t, t));
        }
        Span<float> logits = _logits.AsSpan(0, rows * v);
        Model.Forward(_inputs.AsSpan(0, rows), b, t, logits);
        return _loss.Compute(logits, _targets.AsSpan(0, rows), _gradient.AsSpan(0, rows * v));
    }
}
