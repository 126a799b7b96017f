using SentimentChat.Text;

namespace SentimentChat.Model;

/// <summary>The GoEmotions frustration mapping shipped with the sample (Apache-2.0; see Data/goemotions-frustration/NOTICE.md).</summary>
public static class Corpus
{
    /// <summary>The folder holding train.tsv and dev.tsv next to the executable.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "goemotions-frustration");

    /// <summary>43,410 training comments.</summary>
    public static List<LabeledText> Train() => TsvReader.Read(Path.Combine(Folder, "train.tsv"));

    /// <summary>5,426 development comments (used for early stopping and reporting; the official test split is held back).</summary>
    public static List<LabeledText> Dev() => TsvReader.Read(Path.Combine(Folder, "dev.tsv"));

    /// <summary>Encodes labelled texts for <paramref name="model"/>.</summary>
    public static EncodedText[] Encode(SentimentClassifier model, IReadOnlyList<LabeledText> texts)
    {
        var slots = model.Encoder.EncodeAll(texts.Select(t => t.Text).ToArray());
        int width = model.Encoder.SlotsPerText;
        var encoded = new EncodedText[texts.Count];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = new EncodedText(slots.AsMemory(i * width, width), texts[i].Label);
        }
        return encoded;
    }
}
