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
    private readonly SoftmaxCrossEntropy _loss;
    private int[] _inputs = [];
    private int[] _targets = [];
    private float[] _logits = [];
    private float[] _gradient = [];

    /// <summary>Trains <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model.</param>
    public Gpt2LanguageModelTask(Gpt2Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _loss = new SoftmaxCrossEntropy(model.Config.VocabSize);
    }

    /// <summary>The model.</summary>
    public Gpt2Model Model { get; }

    /// <summary>Cuts a token stream into overlapping training windows of <paramref name="length"/> ids (T + 1), starting every <paramref name="stride"/> tokens.</summary>
    /// <param name="tokens">The encoded text.</param>
    /// <param name="length">T + 1, at most n_positions + 1.</param>
    /// <param name="stride">Distance between window starts.</param>
    /// <returns>The windows (none when the text is shorter than one window).</returns>
    public static List<int[]> Windows(IReadOnlyList<int> tokens, int length, int stride)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        var windows = new List<int[]>();
        for (int start = 0; start + length <= tokens.Count; start += stride)
        {
            var window = new int[length];
            for (int i = 0; i < length; i++)
            {
                window[i] = tokens[start + i];
            }
            windows.Add(window);
        }
        return windows;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The windows differ in length or are shorter than 2.</exception>
    public float TrainBatch(ReadOnlySpan<int[]> batch)
    {
        // Walking the module tree allocates: switch modes only when evaluation left the model in the other one.
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
        Grow(ref _inputs, rows);
        Grow(ref _targets, rows);
        CausalSelfAttention.Grow(ref _logits, rows * v);
        CausalSelfAttention.Grow(ref _gradient, rows * v);
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

    private static void Grow(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new int[length];
        }
    }
}
