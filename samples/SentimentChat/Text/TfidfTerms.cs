using SentimentChat.Evaluation;

namespace SentimentChat.Text;

/// <summary>
/// The terms a <see cref="SentimentChat.Model.TfidfRegression"/> weighs, hashed into buckets: the words of a message
/// and every pair of neighbouring words (<see cref="WordFeatures.Words"/>: lower-cased, with "!" and "?" as words of
/// their own), and the character n-grams of its words (<see cref="CharGrams"/>: framed words, n = 3 to 5, and the
/// framed word itself).
/// </summary>
/// <remarks>
/// The two kinds are kept apart because they are normalized apart: a 60-letter message has about 200 character
/// n-grams and 20 word terms, so in one joint vector the letters would drown the words. The character n-grams are what
/// survives typos ("refnd", "recieved") and spelling by shouting ("NOOOO"); the word pairs carry phrases ("not
/// fixed", "third time").
/// </remarks>
public static class TfidfTerms
{
    /// <summary>Appends the hashed buckets of <paramref name="text"/>'s word terms and character terms, one entry per
    /// occurrence (repeats count, for term frequency).</summary>
    /// <param name="text">The message.</param>
    /// <param name="buckets">How many buckets there are.</param>
    /// <param name="words">Receives the word unigrams and bigrams.</param>
    /// <param name="chars">Receives the character n-grams.</param>
    public static void Collect(string text, int buckets, List<int> words, List<int> chars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(chars);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        var tokens = WordFeatures.Words(text);
        for (int w = 0; w < tokens.Count; w++)
        {
            words.Add(Bucket(FeatureHash.Chars(tokens[w]), buckets));
            if (w > 0)
            {
                // The pair's hash from its two words' hashes, so no joined string is built per pair.
                ulong pair = FeatureHash.Mix(FeatureHash.Chars(tokens[w - 1]) * 31 ^ FeatureHash.Chars(tokens[w]));
                words.Add(Bucket(pair, buckets));
            }
        }
        foreach (ulong hash in new CharGrams(text.ToLowerInvariant()))
        {
            // A different mix than the words', so the word "refund" and the framed n-gram "<refund>" stay apart.
            chars.Add(Bucket(FeatureHash.Mix(hash ^ 0x5F3759DFUL), buckets));
        }
    }

    private static int Bucket(ulong hash, int buckets) => (int)(hash % (ulong)buckets);
}
