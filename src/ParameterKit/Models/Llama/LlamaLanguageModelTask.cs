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
    private readonly NextTokenTask _task;

    /// <summary>Trains <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model.</param>
    public LlamaLanguageModelTask(LlamaModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _task = new NextTokenTask(model);
    }

    /// <summary>The model.</summary>
    public LlamaModel Model { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The windows differ in length or are shorter than 2.</exception>
    public float TrainBatch(ReadOnlySpan<int[]> batch) => _task.TrainBatch(batch);

    /// <inheritdoc />
    /// <remarks>Reports <c>perplexity</c> = exp(mean loss) besides the loss.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int[]> examples) => _task.Evaluate(examples);
}
