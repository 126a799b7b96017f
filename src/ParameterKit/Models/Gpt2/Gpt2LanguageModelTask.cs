using ParameterKit.Training;
using ParameterKit.Training.Losses;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// Next-token prediction for <see cref="Trainer{TExample}"/>: each example is a window of T + 1 token ids; the model
/// reads the first T and is scored on predicting each following one, <c>L = −(1/N) Σ_{b,t} log softmax(logits[b,t])[w[b,t+1]]</c>
/// over the N = B·T positions (tokens equal to <see cref="SoftmaxCrossEntropy.DefaultIgnoreIndex"/> are not scored).
/// </summary>
/// <remarks>
/// Freeze what should not move before building the optimizer, for example <c>store.Freeze(ParameterKind.Embedding)</c>
/// to keep <c>wte</c> (and so the tied head) and <c>wpe</c> fixed; frozen parameters receive no gradient.
/// Buffers grow to the largest batch seen, so steady-state steps allocate nothing.
/// </remarks>
/// <example>
/// <code>
/// var task = new Gpt2LanguageModelTask(model);
/// var windows = Gpt2LanguageModelTask.Windows(tokenizer.EncodeToIds(text), length: 65, stride: 32);
/// new Trainer&lt;int[]&gt;(task, new AdamW(model.Store, 3e-4), new TrainerOptions { BatchSize = 8 }).Fit(windows);
/// </code>
/// </example>
public sealed class Gpt2LanguageModelTask : ITrainingTask<int[]>
{
    private readonly NextTokenTask _task;

    /// <summary>Trains <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model.</param>
    public Gpt2LanguageModelTask(Gpt2Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _task = new NextTokenTask(model);
    }

    /// <summary>The model.</summary>
    public Gpt2Model Model { get; }

    /// <summary>Cuts a token stream into overlapping training windows of <paramref name="length"/> ids (T + 1), starting every <paramref name="stride"/> tokens.</summary>
    /// <param name="tokens">The encoded text.</param>
    /// <param name="length">T + 1, at most n_positions + 1.</param>
    /// <param name="stride">Distance between window starts.</param>
    /// <returns>The windows (none when the text is shorter than one window).</returns>
    public static List<int[]> Windows(IReadOnlyList<int> tokens, int length, int stride) => NextTokenTask.Windows(tokens, length, stride);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The windows differ in length or are shorter than 2.</exception>
    public float TrainBatch(ReadOnlySpan<int[]> batch) => _task.TrainBatch(batch);

    /// <inheritdoc />
    /// <remarks>Reports <c>perplexity</c> = exp(mean loss) besides the loss.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int[]> examples) => _task.Evaluate(examples);
}
