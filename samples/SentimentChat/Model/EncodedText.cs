namespace SentimentChat.Model;

/// <summary>A message already turned into ids, with its label: what the training loop shuffles and batches.</summary>
/// <param name="Slots">The <c>SlotsPerText</c> ids of the message.</param>
/// <param name="Label">The class index.</param>
public readonly record struct EncodedText(ReadOnlyMemory<int> Slots, int Label);
