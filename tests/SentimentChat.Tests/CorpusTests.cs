using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

public sealed class CorpusTests
{
    private static readonly string Messages = Path.Combine(Corpus.SupportFolder, "messages");

    [Fact]
    public void TheSupportCorpusHasEnoughMessagesInEverySituationAndSplit()
    {
        var splits = SupportCorpus.Splits.ToDictionary(s => s, s => SupportCorpus.Read(Messages, s));
        Assert.True(splits.Values.Sum(s => s.Count) >= 1500, $"{splits.Values.Sum(s => s.Count)} messages");
        Assert.True(Directory.GetFiles(Messages, "S*.tsv").Length >= 12);
        foreach (var (split, texts) in splits)
        {
            for (int label = 0; label < Labels.Names.Count; label++)
            {
                Assert.True(texts.Count(t => t.Label == label) >= 20, $"{split} has few '{Labels.Names[label]}' messages");
            }
            Assert.All(texts, t => Assert.True(t.IsSupport));
        }
    }

    [Fact]
    public void NoFamilyAndNoMessageCrossesSplits()
    {
        var familySplits = new Dictionary<string, string>();
        var textSplits = new Dictionary<string, string>();
        foreach (string path in Directory.GetFiles(Messages, "S*.tsv"))
        {
            string situation = Path.GetFileName(path)[..3];
            foreach (string line in File.ReadLines(path).Skip(1))
            {
                var fields = line.Split('\t');
                Assert.StartsWith(situation + "-F", fields[0], StringComparison.Ordinal);
                Assert.Equal(fields[1], familySplits.GetValueOrDefault(fields[0], fields[1]));
                familySplits[fields[0]] = fields[1];
                string text = fields[3].ToLowerInvariant();
                Assert.True(textSplits.GetValueOrDefault(text, fields[1]) == fields[1], $"'{fields[3]}' is in two splits");
                textSplits[text] = fields[1];
            }
        }
    }

    [Fact]
    public void MalformedSupportFilesNameTheFileAndLine()
    {
        string folder = Directory.CreateTempSubdirectory("support-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "S01-x.tsv"), "family\tsplit\tlabel\ttext\nS01-F01\ttrain\tfurious\tangry\n");
            var error = Assert.Throws<DataFormatException>(() => SupportCorpus.Read(folder, "train"));
            Assert.Contains("S01-x.tsv:2", error.Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, "S01-x.tsv"), "text\tlabel\nangry\tfrustrated\n");
            error = Assert.Throws<DataFormatException>(() => SupportCorpus.Read(folder, "train"));
            Assert.Contains("S01-x.tsv:1", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => SupportCorpus.Read(folder, "validation"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
