using ParameterKit.Kernels;
using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Training;
using ParameterKit.Training.Losses;
using ParameterKit.Training.Metrics;
using ParameterKit.Training.Schedules;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>How a <see cref="WordConvolution"/> is built and trained. The defaults were chosen on the dev splits only, by
/// the lift the member gives the classifier's average (prototyped in PyTorch on the same data): 96, 128, 192 or 256
/// filters per width, widths 1-3 or 2-3, dropout 0.3 or 0.5, learning rate 0.001 or 0.002, 4 to 6 epochs all landed
/// within 0.005 of each other on GoEmotions dev; 128 filters of widths 1-3 train in about half of 256's time for the same
/// lift. Fine-tuning the vectors, or GoEmotions' 28 emotions as auxiliary targets, did not help.</summary>
/// <param name="Filters">Filters per window width.</param>
/// <param name="Widths">Window widths 1 to this many words.</param>
/// <param name="Dropout">Dropout probability on the pooled filters during training.</param>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="LearningRate">AdamW's peak learning rate (cosine decay to zero over the run).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay (on weights, not biases).</param>
/// <param name="BatchSize">Examples per step.</param>
public sealed record WordConvolutionOptions(int Filters = 128, int Widths = 3, float Dropout = 0.5f, int Epochs = 5, double LearningRate = 0.002, float WeightDecay = 0.01f, int BatchSize = 128);

/// <summary>
/// The classifier's third member: a convolution over pretrained word vectors (<see cref="WordVectors"/>). A message's
/// known words (<see cref="WordTokens"/>) are looked up in a frozen table; every window of one, two and three
/// neighbouring words (the window ending at each word, zeros before the first) goes through its own
/// <c>Linear(width·100→F) → ReLU</c>; each filter keeps its largest value over the message (max pooling), and the
/// 3F pooled values go through <c>Dropout → Linear(3F→3)</c>.
/// </summary>
/// <remarks>
/// Why a third member: the other two learn every word from the training data alone, so a word they never saw, or saw
/// twice, carries nothing. Here it carries its pretrained neighbours' meaning. Why windows rather than a mean of the
/// words: "not good", "no one answers" and "still waiting" are phrases, and a filter over neighbouring vectors can fire
/// on the phrase where an average of the message loses the order. On GoEmotions dev it scores 0.63 macro-F1 alone (the
/// pooled-mean perceptron it replaced: 0.58), and with three tenths of the vote it lifted the average by about 0.006
/// (it now has 35%: <see cref="SentimentClassifier.WordsShare"/>).
/// Parameters: <c>vectors.weight</c> (words x 100, frozen), <c>window1.weight</c> F x 100 ... <c>window3.weight</c>
/// F x 300 with their biases, <c>head.1.weight</c> 3 x 3F and <c>head.1.bias</c>.
/// </remarks>
public sealed class WordConvolution : ITrainingTask<int>
{
    /// <summary>Words of a message the member reads; the rest are dropped (GoEmotions' comments are shorter).</summary>
    public const int MaxWords = 64;

    /// <summary>The most messages one forward pass takes.</summary>
    private const int MaxBatch = 256;

    /// <summary>The most window rows one forward pass takes (inference groups messages up to this many words).</summary>
    private const int MaxPositions = 8192;

    private readonly Dictionary<string, int> _rows;
    private readonly Embedding _vectors;
    private readonly Linear[] _windows;
    private readonly int _pooledWidth;
    private readonly float[] _pooled;
    private readonly float[] _pooledGradient;
    private readonly int[] _winners;
    private readonly float[] _logits = new float[MaxBatch * 3];
    private readonly float[] _logitsGradient = new float[MaxBatch * 3];
    private readonly int[] _batchLabels = new int[MaxBatch];
    private readonly int[][] _batchWords = new int[MaxBatch][];
    private readonly float[][] _windowInputs;
    private readonly float[][] _activations;
    private SoftmaxCrossEntropy? _loss;
    private int[][] _examples = [];
    private int[] _labels = [];

    /// <summary>Declares the model for <paramref name="vocabulary"/> (not materialized: <see cref="Train"/> does that, or
    /// materialize the <see cref="Store"/> and load a file).</summary>
    /// <param name="vocabulary">The words of the vector table, row by row (the first of two equal words wins).</param>
    /// <param name="options">The hyperparameters (defaults when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one filter or window width.</exception>
    public WordConvolution(IReadOnlyList<string> vocabulary, WordConvolutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Vocabulary = vocabulary;
        Options = options ?? new WordConvolutionOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Filters, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Widths, 1, nameof(options));
        _rows = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            _rows.TryAdd(vocabulary[i], i);
        }
        // PK1003 guards trainable rows against a symmetric start; the table is frozen and filled by Train or a file.
#pragma warning disable PK1003
        _vectors = Store.Scope("vectors").Embedding(Math.Max(vocabulary.Count, 1), WordVectors.Dimensions, init: Init.Zeros);
#pragma warning restore PK1003
        _vectors.IsTrainable = false;
        _windows = new Linear[Options.Widths];
        for (int w = 1; w <= Options.Widths; w++)
        {
            _windows[w - 1] = new Linear(Store.Scope($"window{w}"), w * WordVectors.Dimensions, Options.Filters);
        }
        _pooledWidth = Options.Widths * Options.Filters;
        Head = new Sequential(Store.Scope("head"), _pooledWidth)
            .Add(s => new Dropout(s, Options.Dropout, seed: 41))
            .Add(s => new Linear(s, _pooledWidth, Labels.Names.Count));
        _pooled = new float[MaxBatch * _pooledWidth];
        _pooledGradient = new float[MaxBatch * _pooledWidth];
        _winners = new int[MaxBatch * _pooledWidth];
        _windowInputs = new float[Options.Widths][];
        _activations = new float[Options.Widths][];
        for (int w = 0; w < Options.Widths; w++)
        {
            _windowInputs[w] = [];
            _activations[w] = [];
        }
    }

    /// <summary>The words of the vector table, row by row.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>The hyperparameters.</summary>
    public WordConvolutionOptions Options { get; }

    /// <summary>The parameters (the frozen table included, so a model file is complete on its own).</summary>
    public ParameterStore Store { get; } = new();

    /// <summary>Pooled filters to the three logits.</summary>
    public Sequential Head { get; }

    /// <summary>Trains the member: <see cref="Prepare"/>, then <see cref="Fit"/>.</summary>
    /// <param name="training">The labelled texts.</param>
    /// <param name="vectors">The vectors of <see cref="Vocabulary"/>, row by row.</param>
    /// <param name="seed">Seed of initialization, batch order and dropout.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <exception cref="OperationCanceledException">Training was cancelled: the weights are half-trained.</exception>
    public void Train(IReadOnlyList<LabeledText> training, ReadOnlySpan<float> vectors, ulong seed, CancellationToken cancellationToken = default)
    {
        Prepare(training, vectors, seed);
        Fit(seed, cancellationToken);
    }

    /// <summary>Materializes the parameters with <paramref name="seed"/>, fills the frozen table from
    /// <paramref name="vectors"/> (rounded to bfloat16, as the file holds it) and keeps <paramref name="training"/>'s
    /// word rows for <see cref="TrainBatch"/> until <see cref="Fit"/> ends.</summary>
    /// <param name="training">The labelled texts.</param>
    /// <param name="vectors">The vectors of <see cref="Vocabulary"/>, row by row.</param>
    /// <param name="seed">Seed of initialization.</param>
    /// <exception cref="ArgumentException"><paramref name="vectors"/> is not one row per word.</exception>
    public void Prepare(IReadOnlyList<LabeledText> training, ReadOnlySpan<float> vectors, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (vectors.Length != _vectors.ElementCount)
        {
            throw new ArgumentException($"The table of {Vocabulary.Count} words needs {_vectors.ElementCount} values; got {vectors.Length}.", nameof(vectors));
        }
        Store.Materialize(seed);
        vectors.CopyTo(_vectors.Value);
        BFloat16Storage.Round(_vectors);
        _examples = training.Select(t => WordRows(t.Text)).ToArray();
        _labels = training.Select(t => t.Label).ToArray();
        // Unweighted, unlike the other two members: its probabilities then follow the classes' frequencies, and it is as a
        // differently-calibrated voice that it adds to their average (class-weighted, the pooled member it replaced added less).
        _loss = new SoftmaxCrossEntropy(3);
    }

    /// <summary>Trains on the texts given to <see cref="Prepare"/>, then lets go of them.</summary>
    /// <param name="seed">Seed of the batch order and dropout.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <exception cref="OperationCanceledException">Training was cancelled: the weights are half-trained.</exception>
    public void Fit(ulong seed, CancellationToken cancellationToken = default)
    {
        if (_loss is null)
        {
            throw new InvalidOperationException("Call Prepare before Fit.");
        }
        var run = new TrainerOptions { Epochs = Options.Epochs, BatchSize = Math.Min(Options.BatchSize, MaxBatch), Seed = seed };
        long steps = run.OptimizerSteps(_labels.Length);
        var schedule = new CosineSchedule(Options.LearningRate, warmupSteps: Math.Min(100, steps / 10), steps);
        var trainer = new Trainer<int>(this, new AdamW(Store, Options.LearningRate, weightDecay: Options.WeightDecay), run with { LearningRate = schedule.At });
        var result = trainer.Fit(Enumerable.Range(0, _labels.Length).ToArray(), cancellationToken: cancellationToken);
        _examples = [];
        _labels = [];
        _loss = null;
        if (result.Cancelled)
        {
            throw new OperationCanceledException("Training the word-vector convolution was cancelled.", cancellationToken);
        }
    }

    /// <inheritdoc />
    public float TrainBatch(ReadOnlySpan<int> batch)
    {
        if (!Head.IsTraining)
        {
            Head.SetTraining(true);
        }
        int n = batch.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxBatch, nameof(batch));
        for (int i = 0; i < n; i++)
        {
            _batchWords[i] = _examples[batch[i]];
            _batchLabels[i] = _labels[batch[i]];
        }
        int positions = Pool(_batchWords.AsSpan(0, n));
        var pooled = _pooled.AsSpan(0, n * _pooledWidth);
        var logits = _logits.AsSpan(0, n * 3);
        Head.Forward(pooled, logits, _pooledWidth);
        var dLogits = _logitsGradient.AsSpan(0, n * 3);
        float loss = (_loss ?? throw new InvalidOperationException("Call Prepare before training steps.")).Compute(logits, _batchLabels.AsSpan(0, n), dLogits);
        var dPooled = _pooledGradient.AsSpan(0, n * _pooledWidth);
        Head.Backward(pooled, dLogits, dPooled, _pooledWidth);
        BackwardThroughPool(n, positions, dPooled);
        return loss;
    }

    /// <inheritdoc />
    /// <remarks>Scores training examples by index (the loop's view of the data); held-out texts go through <see cref="Probabilities"/>.</remarks>
    public EvaluationResult Evaluate(IReadOnlyList<int> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        float[] probabilities = ProbabilitiesOfRows([.. examples.Select(e => _examples[e])]);
        var matrix = new ConfusionMatrix(3);
        matrix.AddArgMax(probabilities, [.. examples.Select(e => _labels[e])]);
        return new EvaluationResult(double.NaN, new Dictionary<string, double> { ["accuracy"] = matrix.Accuracy, ["macro_f1"] = matrix.MacroF1 });
    }

    /// <summary>P(frustrated), P(positive), P(other) for every text (rows of 3).</summary>
    public float[] Probabilities(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return ProbabilitiesOfRows(texts.Select(WordRows).ToArray());
    }

    /// <summary>The pooled filters of each text before dropout (rows of <see cref="Options"/>' Widths x Filters: the width-1
    /// filters first), the member's view of a message; zeros for a text with no known word.</summary>
    public float[] PooledFilters(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var words = texts.Select(WordRows).ToArray();
        var result = new float[words.Length * _pooledWidth];
        ForEachGroup(words, (start, n) => _pooled.AsSpan(0, n * _pooledWidth).CopyTo(result.AsSpan(start * _pooledWidth)));
        return result;
    }

    /// <summary>The table rows of <paramref name="text"/>'s known words, the first <see cref="MaxWords"/> of them.</summary>
    public int[] WordRows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<int>();
        foreach (string word in WordTokens.Of(text))
        {
            if (_rows.TryGetValue(word, out int r))
            {
                rows.Add(r);
                if (rows.Count == MaxWords)
                {
                    break;
                }
            }
        }
        return [.. rows];
    }

    private float[] ProbabilitiesOfRows(int[][] words)
    {
        Head.SetTraining(false);
        var probabilities = new float[words.Length * 3];
        ForEachGroup(words, (start, n) =>
        {
            var logits = _logits.AsSpan(0, n * 3);
            Head.Forward(_pooled.AsSpan(0, n * _pooledWidth), logits, _pooledWidth);
            for (int i = 0; i < n; i++)
            {
                SoftmaxCrossEntropy.Softmax(logits.Slice(i * 3, 3), 3, probabilities.AsSpan((start + i) * 3, 3));
            }
        });
        return probabilities;
    }

    /// <summary>Pools consecutive groups of messages (at most <see cref="MaxBatch"/> messages and
    /// <see cref="MaxPositions"/> words each) and hands each group's start and size to <paramref name="use"/>, which
    /// reads the pooled filters from <see cref="_pooled"/>.</summary>
    private void ForEachGroup(int[][] words, Action<int, int> use)
    {
        int start = 0;
        while (start < words.Length)
        {
            int n = 0, positions = 0;
            while (start + n < words.Length && n < MaxBatch && (n == 0 || positions + words[start + n].Length <= MaxPositions))
            {
                positions += words[start + n].Length;
                n++;
            }
            Pool(words.AsSpan(start, n));
            use(start, n);
            start += n;
        }
    }

    /// <summary>Fills the window rows of every width for <paramref name="batch"/>'s words, runs each width's filters
    /// (ReLU fused into the product), and max-pools each filter over each message into <see cref="_pooled"/>, noting
    /// in <see cref="_winners"/> the window row that won (-1 when no window is above zero: no gradient flows then).</summary>
    /// <returns>The number of window rows (words in the batch).</returns>
    private int Pool(ReadOnlySpan<int[]> batch)
    {
        const int d = WordVectors.Dimensions;
        int positions = 0;
        foreach (int[] words in batch)
        {
            positions += words.Length;
        }
        int f = Options.Filters;
        ReadOnlySpan<float> table = _vectors.Value;
        for (int w = 1; w <= Options.Widths; w++)
        {
            int width = w * d;
            var input = Buffer(ref _windowInputs[w - 1], positions * width);
            int row = 0;
            foreach (int[] words in batch)
            {
                for (int j = 0; j < words.Length; j++, row++)
                {
                    // The window ending at word j: words j-w+1 .. j, zeros where it reaches before the first word.
                    var window = input.Slice(row * width, width);
                    for (int k = 0; k < w; k++)
                    {
                        int word = j - (w - 1) + k;
                        var slot = window.Slice(k * d, d);
                        if (word < 0)
                        {
                            slot.Clear();
                        }
                        else
                        {
                            table.Slice(words[word] * d, d).CopyTo(slot);
                        }
                    }
                }
            }
            var activation = Buffer(ref _activations[w - 1], positions * f);
            if (positions > 0)
            {
                _windows[w - 1].Forward(input, activation, width, accumulate: false, GemmActivation.Relu);
            }
            int first = 0;
            for (int b = 0; b < batch.Length; b++)
            {
                var pooled = _pooled.AsSpan(b * _pooledWidth + (w - 1) * f, f);
                var winners = _winners.AsSpan(b * _pooledWidth + (w - 1) * f, f);
                pooled.Clear();
                winners.Fill(-1);
                for (int j = first; j < first + batch[b].Length; j++)
                {
                    var values = activation.Slice(j * f, f);
                    for (int c = 0; c < f; c++)
                    {
                        if (values[c] > pooled[c])
                        {
                            pooled[c] = values[c];
                            winners[c] = j;
                        }
                    }
                }
                first += batch[b].Length;
            }
        }
        return positions;
    }

    /// <summary>Routes each pooled filter's gradient to the window row that won it, and accumulates every width's weight
    /// gradients (the windows are frozen vectors: an empty input gradient skips Linear's dX product).</summary>
    private void BackwardThroughPool(int batch, int positions, ReadOnlySpan<float> pooledGradient)
    {
        int f = Options.Filters;
        for (int w = 1; w <= Options.Widths; w++)
        {
            // The activations are spent: their buffer holds the gradient now.
            var gradient = _activations[w - 1].AsSpan(0, positions * f);
            gradient.Clear();
            for (int b = 0; b < batch; b++)
            {
                int offset = b * _pooledWidth + (w - 1) * f;
                for (int c = 0; c < f; c++)
                {
                    int winner = _winners[offset + c];
                    if (winner >= 0)
                    {
                        gradient[winner * f + c] = pooledGradient[offset + c];
                    }
                }
            }
            if (positions > 0)
            {
                _windows[w - 1].Backward(_windowInputs[w - 1].AsSpan(0, positions * w * WordVectors.Dimensions), gradient, Span<float>.Empty, w * WordVectors.Dimensions);
            }
        }
    }

    /// <summary><paramref name="buffer"/>'s first <paramref name="length"/> values, growing it (never shrinking) when it
    /// is too short: the batches' word counts vary, and once the longest has been seen a step allocates nothing.</summary>
    private static Span<float> Buffer(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length * 3 / 2)];
        }
        return buffer.AsSpan(0, length);
    }
}
