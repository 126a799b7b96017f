namespace SentimentChat.Model;

/// <summary>A message already turned into ids, with its labels: what the training loop shuffles and batches.</summary>
/// <param name="Slots">The <c>SlotsPerText</c> ids of the message.</param>
/// <param name="Label">The class index.</param>
/// <param name="Emotions">GoEmotions' fine-grained labels as a bit mask, or 0 when the message has none.</param>
public readonly record struct EncodedText(ReadOnlyMemory<int> Slots, int Label, uint Emotions = 0);
