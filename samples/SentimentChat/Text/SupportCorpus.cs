namespace SentimentChat.Text;

/// <summary>
/// Reads the customer-service corpus: one file per situation (<c>SNN-slug.tsv</c>) with a header line
/// <c>family&lt;TAB&gt;split&lt;TAB&gt;label&lt;TAB&gt;text</c>. Whole families belong to one split, so no paraphrase
/// of a test message is trained on (see Data/support/README.md).
/// </summary>
public static class SupportCorpus
{
    /// <summary>The splits a row may name.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "dev", "test"];

    /// <summary>The messages of <paramref name="split"/> from every situation file in <paramref name="folder"/>, in file-name order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="DataFormatException">A file lacks the header, or a row has the wrong column count, split or label.</exception>
    public static List<LabeledText> Read(string folder, string split)
    {
        if (!Splits.Contains(split))
        {
            throw new ArgumentException($"Unknown split '{split}' (expected one of: {string.Join(", ", Splits)}).", nameof(split));
        }
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No customer-service corpus at '{folder}'.");
        }
        var messages = new List<LabeledText>();
        foreach (string path in Directory.GetFiles(folder, "S*.tsv").Order(StringComparer.Ordinal))
        {
            int number = 0;
            foreach (string line in File.ReadLines(path))
            {
                number++;
                if (number == 1)
                {
                    if (line.TrimEnd('\r') != "family\tsplit\tlabel\ttext")
                    {
                        throw new DataFormatException($"{path}:1: expected the header 'family<TAB>split<TAB>label<TAB>text'.");
                    }
                    continue;
                }
                if (line.Length == 0)
                {
                    continue;
                }
                var fields = line.TrimEnd('\r').Split('\t');
                if (fields.Length != 4 || !Splits.Contains(fields[1]) || Labels.IndexOf(fields[2]) < 0 || fields[3].Length == 0)
                {
                    throw new DataFormatException($"{path}:{number}: expected 'family<TAB>split<TAB>label<TAB>text' with a known split and label.");
                }
                if (fields[1] == split)
                {
                    messages.Add(new LabeledText(fields[3], Labels.IndexOf(fields[2]), IsSupport: true));
                }
            }
        }
        return messages;
    }
}
