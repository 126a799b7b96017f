using ParameterKit.Modules;
using ParameterKit.Parameters;
using ParameterKit.Training.Losses;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// The frustration classifier, built only from ParameterKit parts: one <see cref="EmbeddingLayer"/> for BPE tokens
/// and hashed bigrams, mean-pooled over the message (a bag of embeddings), then a perceptron
/// <c>Dropout → Linear(C→H) → GELU → Dropout → Linear(H→3)</c> giving logits for frustrated / positive / other.
/// </summary>
/// <remarks>
/// Parameters: <c>embedding.weight</c> (V + buckets) x C, <c>head.1.weight</c> H x C, <c>head.1.bias</c>,
/// <c>head.4.weight</c> 3 x H, <c>head.4.bias</c>. Buffers are sized for <see cref="MaxBatch"/> rows once, so
/// training and classification steps allocate nothing.
/// </remarks>
public sealed class SentimentClassifier
{
    /// <summary>The largest batch one call accepts.</summary>
    public const int MaxBatch = 256;

    private readonly float[] _pooled;
    private readonly float[] _pooledGradient;
    private readonly float[] _logits = new float[MaxBatch * 3];

    /// <summary>Declares the model (call <see cref="ParameterStore.Materialize(ulong)"/> or load a file next).</summary>
    public SentimentClassifier(ModelShape shape)
    {
        Shape = shape;
        Encoder = new TextEncoder(shape.MaxTokens, shape.BigramBuckets);
        Store = new ParameterStore();
        Embedding = new EmbeddingLayer(Store.Scope("embedding"), Encoder.TableRows, shape.Channels);
        // Dropout on the pooled vector and the hidden layer: with 43k short comments and millions of embedding
        // values the model memorizes the training set within two epochs without it.
        Head = new Sequential(Store.Scope("head"), shape.Channels)
            .Add(s => new Dropout(s, shape.Dropout, seed: 17))
            .Add(s => new Linear(s, shape.Channels, shape.Hidden))
            .Add(s => new Gelu(s))
            .Add(s => new Dropout(s, shape.Dropout, seed: 29))
            .Add(s => new Linear(s, shape.Hidden, Labels.Names.Count));
        _pooled = new float[MaxBatch * shape.Channels];
        _pooledGradient = new float[MaxBatch * shape.Channels];
    }

    /// <summary>The hyperparameters.</summary>
    public ModelShape Shape { get; }

    /// <summary>Text to ids.</summary>
    public TextEncoder Encoder { get; }

    /// <summary>The parameters.</summary>
    public ParameterStore Store { get; }

    /// <summary>Tokens and bigrams to vectors.</summary>
    public EmbeddingLayer Embedding { get; }

    /// <summary>τ of the frustration decision rule (see <see cref="FrustrationThreshold"/>); 0.5 until chosen on dev.</summary>
    public float FrustrationThreshold { get; set; } = 0.5f;

    /// <summary>Pooled vector to logits.</summary>
    public Sequential Head { get; }

    /// <summary>Logits (batch x 3) for <paramref name="batch"/> encoded texts of <see cref="TextEncoder.SlotsPerText"/> ids each.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<int> slots, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, MaxBatch);
        int c = Shape.Channels;
        var pooled = _pooled.AsSpan(0, batch * c);
        Embedding.ForwardPooled(slots, Encoder.SlotsPerText, Pooling.Mean, pooled);
        var logits = _logits.AsSpan(0, batch * 3);
        Head.Forward(pooled, logits, c);
        return logits;
    }

    /// <summary>Back-propagates dLoss/dLogits of the last <see cref="Forward"/> into every parameter's gradient.</summary>
    public void Backward(ReadOnlySpan<int> slots, int batch, ReadOnlySpan<float> logitsGradient)
    {
        int c = Shape.Channels;
        var pooledGradient = _pooledGradient.AsSpan(0, batch * c);
        Head.Backward(_pooled.AsSpan(0, batch * c), logitsGradient, pooledGradient, c);
        Embedding.BackwardPooled(slots, Encoder.SlotsPerText, Pooling.Mean, pooledGradient);
    }

    /// <summary>Classifies one message.</summary>
    /// <param name="text">The message (truncated to <see cref="ModelShape.MaxTokens"/> tokens).</param>
    public Prediction Classify(string text)
    {
        Head.SetTraining(false);
        var slots = new int[Encoder.SlotsPerText];
        int tokens = Encoder.Encode(text, slots);
        var logits = Forward(slots, 1);
        var probabilities = new float[3];
        SoftmaxCrossEntropy.Softmax(logits, 3, probabilities);
        return new Prediction(Model.FrustrationThreshold.Decide(probabilities, FrustrationThreshold), probabilities, tokens, tokens > Shape.MaxTokens);
    }
}
