using SentimentChat.Model;

namespace SentimentChat.Web.Conversations;

/// <summary>
/// The one classifier every conversation shares. <see cref="SentimentClassifier.Classify"/> reuses buffers sized
/// once (so a step allocates nothing), which makes it unsafe to call from two requests at once: calls take turns
/// behind a lock. A classification is two bag-of-embeddings lookups and two small matrix products, far shorter than
/// a reply, so the lock is not where a busy server waits.
/// </summary>
public sealed class SharedClassifier(SentimentClassifier model)
{
    private readonly Lock _gate = new();

    /// <summary>The model.</summary>
    public SentimentClassifier Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>Classifies one message; safe to call from any thread.</summary>
    public Prediction Classify(string text)
    {
        lock (_gate)
        {
            return Model.Classify(text);
        }
    }
}
