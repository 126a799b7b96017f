namespace SentimentChat.Model;

/// <summary>A message already turned into ids, with its labels: what the training loop shuffles and batches.</summary>
/// <param name="Slots">The <c>SlotsPerText</c> ids of the message.</param>
/// <param name="Label">The class index.</param>
/// <param name="IsSupport">Whether it comes from the customer-service corpus.</param>
public readonly record struct EncodedText(ReadOnlyMemory<int> Slots, int Label, bool IsSupport = false);
