using SentimentChat.Text;

namespace SentimentChat.Evaluation;

/// <summary>
/// The baselines' features: lower-cased words (runs of letters, digits and apostrophes, plus "!" and "?" as words of
/// their own) and every pair of neighbouring words, hashed into buckets, at most <see cref="MaxFeatures"/> per text.
/// Unused slots are -1.
/// </summary>
public static class WordFeatures
{
    /// <summary>Features kept per text.</summary>
    public const int MaxFeatures = 128;

    /// <summary>The features of every text, row-major, <see cref="MaxFeatures"/> per text.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="buckets">How many hashed ids there are.</param>
    public static int[] Of(IReadOnlyList<string> texts, int buckets)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var features = new int[texts.Count * MaxFeatures];
        features.AsSpan().Fill(-1);
        for (int i = 0; i < texts.Count; i++)
        {
            var row = features.AsSpan(i * MaxFeatures, MaxFeatures);
            var words = Words(texts[i]);
            int slot = 0;
            for (int w = 0; w < words.Count && slot < MaxFeatures; w++)
            {
                row[slot++] = Bucket(words[w], buckets);
                if (w > 0 && slot < MaxFeatures)
                {
                    row[slot++] = Bucket(words[w - 1] + " " + words[w], buckets);
                }
            }
        }
        return features;
    }

    /// <summary>The words of a text, lower-cased.</summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        int start = -1;
        string lower = text.ToLowerInvariant();
        for (int i = 0; i <= lower.Length; i++)
        {
            char ch = i < lower.Length ? lower[i] : ' ';
            bool inWord = char.IsLetterOrDigit(ch) || ch is '\'' or '’';
            if (inWord && start < 0)
            {
                start = i;
            }
            if (!inWord && start >= 0)
            {
                words.Add(lower[start..i]);
                start = -1;
            }
            if (ch is '!' or '?')
            {
                words.Add(ch.ToString());
            }
        }
        return words;
    }

    private static int Bucket(string feature, int buckets) => (int)(FeatureHash.Chars(feature) % (ulong)buckets);
}
