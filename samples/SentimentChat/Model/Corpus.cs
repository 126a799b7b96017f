using SentimentChat.Chat;
using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>
/// The training data shipped with the sample: GoEmotions' Reddit comments mapped to three classes (Apache-2.0; see
/// Data/goemotions-frustration/NOTICE.md), and the project's own customer-service
/// messages (Data/support/README.md).
/// </summary>
public static class Corpus
{
    /// <summary>The folder holding GoEmotions' train.tsv and dev.tsv next to the executable.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "goemotions-frustration");

    /// <summary>The folder holding the customer-service corpus next to the executable.</summary>
    public static string SupportFolder { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "support");

    /// <summary>43,410 training comments.</summary>
    public static List<LabeledText> Train() => TsvReader.Read(Path.Combine(Folder, "train.tsv"));

    /// <summary>5,426 development comments (used for early stopping and reporting; the official test split is held back).</summary>
    public static List<LabeledText> Dev() => TsvReader.Read(Path.Combine(Folder, "dev.tsv"));

    /// <summary>
    /// The customer-service texts of one split (<c>train</c>, <c>dev</c> or <c>test</c>): the single messages, then every
    /// customer turn of the split's conversations. Turns read differently from opening messages ("yes, that's the
    /// one", "still nothing"), and the chat classifies turns.
    /// </summary>
    public static List<LabeledText> Support(string split)
    {
        var texts = SupportCorpus.Read(Path.Combine(SupportFolder, "messages"), split);
        foreach (var conversation in ConversationFile.Read(Path.Combine(SupportFolder, "conversations", split + ".jsonl")))
        {
            texts.AddRange(conversation.Turns.Select(turn => turn with { IsSupport = true }));
        }
        return texts;
    }

    /// <summary>Encodes labelled texts for <paramref name="model"/>.</summary>
    public static EncodedText[] Encode(SentimentClassifier model, IReadOnlyList<LabeledText> texts)
    {
        var slots = model.Encoder.EncodeAll(texts.Select(t => t.Text).ToArray());
        int width = model.Encoder.SlotsPerText;
        var encoded = new EncodedText[texts.Count];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = new EncodedText(slots.AsMemory(i * width, width), texts[i].Label, texts[i].IsSupport);
        }
        return encoded;
    }
}
