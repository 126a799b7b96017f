namespace SentimentChat.Text;

/// <summary>
/// The hashes that put features into buckets: SplitMix64's finalizer, which mixes every input bit into every output
/// bit, so similar features (neighbouring token ids, n-grams one letter apart) land in unrelated buckets.
/// </summary>
public static class FeatureHash
{
    /// <summary>Mixes <paramref name="value"/>.</summary>
    public static ulong Mix(ulong value)
    {
        ulong z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The hash of an ordered pair of token ids.</summary>
    public static ulong Pair(int first, int second) => Mix((ulong)(uint)first << 32 | (uint)second);

    /// <summary>The hash of a run of characters (FNV-1a over UTF-16 code units, then mixed).</summary>
    public static ulong Chars(ReadOnlySpan<char> chars)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in chars)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }
        return Mix(h);
    }
}
