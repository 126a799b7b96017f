using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Transformers;

namespace ParameterKit.Models;

/// <summary>
/// A causal language model that back-propagates: what next-token training needs beyond <see cref="ICausalLanguageModel"/>.
/// <see cref="Gpt2.Gpt2Model"/> and <see cref="Llama.LlamaModel"/> implement it (mode switching comes from
/// <see cref="Modules.Module"/>), so <see cref="NextTokenTask"/> trains either without knowing which.
/// </summary>
internal interface ITrainableLanguageModel : ICausalLanguageModel
{
    /// <summary>Whether the model is in training mode.</summary>
    bool IsTraining { get; }

    /// <summary>Switches the whole model between training and evaluation mode.</summary>
    void SetTraining(bool training);

    /// <summary>Back-propagates the last <see cref="ICausalLanguageModel.Forward"/> from dLoss/dLogits (B·T x V).</summary>
    void Backward(ReadOnlySpan<float> logitsGradient);
}

/// <summary>
/// Next-token prediction on any <see cref="ITrainableLanguageModel"/>, written once for every architecture's public task
/// (<see cref="Gpt2.Gpt2LanguageModelTask"/>, <see cref="Llama.LlamaLanguageModelTask"/>): each example is a window of
/// T + 1 token ids; the model reads the first T and is scored on each following one with
/// <c>L = −(1/N) Σ_{b,t} log softmax(logits[b,t])[w[b,t+1]]</c> over the N = B·T positions.
/// </summary>
/// <remarks>Buffers grow to the largest batch seen, so steady-state steps allocate nothing.</remarks>
internal sealed class NextTokenTask : ITrainingTask<int[]>
{
    private readonly ITrainableLanguageModel _model;
    private readonly SoftmaxCrossEntropy _loss;
    private int[] _inputs = [];
    private int[] _targets = [];
    private float[] _logits = [];
    private float[] _gradient = [];

    public NextTokenTask(ITrainableLanguageModel model)
    {
        _model = model;
        _loss = new SoftmaxCrossEntropy(model.VocabularySize);
    }

    /// <summary>Cuts a token stream into overlapping windows of <paramref name="length"/> ids, starting every <paramref name="stride"/> tokens.</summary>
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

    /// <exception cref="ArgumentException">The windows differ in length or are shorter than 2.</exception>
    public float TrainBatch(ReadOnlySpan<int[]> batch)
    {
        // Walking the module tree allocates: switch modes only when evaluation left the model in the other one.
        if (!_model.IsTraining)
        {
            _model.SetTraining(true);
        }
        float loss = ForwardLoss(batch, out int rows);
        _model.Backward(_gradient.AsSpan(0, rows * _model.VocabularySize));
        return loss;
    }

    /// <remarks>Reports <c>perplexity</c> = exp(mean loss) besides the loss.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int[]> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        _model.SetTraining(false);
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

    /// <summary>Runs the forward pass on the batch's inputs and the loss on its targets; leaves dLoss/dLogits in <c>_gradient</c>.</summary>
    private float ForwardLoss(ReadOnlySpan<int[]> batch, out int rows)
    {
        if (batch.IsEmpty)
        {
            throw new ArgumentException("The batch is empty.", nameof(batch));
        }
        for (int i = 0; i < batch.Length; i++)
        {
            // A null window would otherwise surface as a NullReferenceException deep in the copy below.
            if (batch[i] is null)
            {
                throw new ArgumentException($"Window {i} of the batch is null.", nameof(batch));
            }
        }
        int t = batch[0].Length - 1, b = batch.Length, v = _model.VocabularySize;
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
        _model.Forward(_inputs.AsSpan(0, rows), b, t, logits);
        return _loss.Compute(logits, _targets.AsSpan(0, rows), _gradient.AsSpan(0, rows * v));
    }
}
