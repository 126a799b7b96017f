namespace SentimentChat.Text;

/// <summary>
/// Turns messages into TF-IDF rows over <see cref="TfidfTerms"/>: document frequencies to idf values, and each message
/// to (bucket, weight) pairs with weight <c>(1 + ln tf) · idf</c>, the word half and the character half each scaled to
/// unit length, then the whole row to unit length (so the halves weigh the same).
/// </summary>
public static class TfidfWeighting
{
    /// <summary>Writes the smooth idf <c>ln((1 + N) / (1 + df)) + 1</c> of every bucket into <paramref name="idf"/>,
    /// with 0 for buckets no text uses.</summary>
    /// <param name="texts">The N training texts.</param>
    /// <param name="buckets">How many buckets there are.</param>
    /// <param name="idf">Destination, one value per bucket.</param>
    public static void Idf(IReadOnlyList<string> texts, int buckets, Span<float> idf)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (idf.Length != buckets)
        {
            throw new ArgumentException($"idf has {idf.Length} values for {buckets} buckets.", nameof(idf));
        }
        var documents = new int[buckets];
        var words = new List<int>();
        var chars = new List<int>();
        foreach (string text in texts)
        {
            Collect(text, buckets, words, chars);
            CountOnce(words, documents);
            CountOnce(chars, documents);
        }
        for (int b = 0; b < buckets; b++)
        {
            idf[b] = documents[b] == 0 ? 0f : (float)(Math.Log((1.0 + texts.Count) / (1.0 + documents[b])) + 1.0);
        }
    }

    /// <summary>The TF-IDF rows of <paramref name="texts"/>.</summary>
    /// <param name="texts">The messages.</param>
    /// <param name="buckets">How many buckets there are.</param>
    /// <param name="idf">The idf of every bucket (from <see cref="Idf"/>).</param>
    public static SparseRows Rows(IReadOnlyList<string> texts, int buckets, ReadOnlySpan<float> idf)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var offsets = new int[texts.Count + 1];
        var ids = new List<int>(texts.Count * 64);
        var weights = new List<float>(texts.Count * 64);
        var words = new List<int>();
        var chars = new List<int>();
        for (int i = 0; i < texts.Count; i++)
        {
            Collect(texts[i], buckets, words, chars);
            int wordStart = ids.Count;
            double wordNorm = Append(words, idf, ids, weights);
            int charStart = ids.Count;
            double charNorm = Append(chars, idf, ids, weights);
            // Each non-empty half to unit length, then both halves by 1/√2 when both have terms: the row has length 1.
            double both = wordNorm > 0 && charNorm > 0 ? Math.Sqrt(0.5) : 1.0;
            Scale(weights, wordStart, charStart, wordNorm, both);
            Scale(weights, charStart, ids.Count, charNorm, both);
            offsets[i + 1] = ids.Count;
        }
        return new SparseRows(offsets, [.. ids], [.. weights]);
    }

    private static void Collect(string text, int buckets, List<int> words, List<int> chars)
    {
        words.Clear();
        chars.Clear();
        TfidfTerms.Collect(text, buckets, words, chars);
        words.Sort();
        chars.Sort();
    }

    /// <summary>Adds 1 to the document count of each distinct bucket of a sorted list.</summary>
    private static void CountOnce(List<int> sorted, int[] documents)
    {
        for (int k = 0; k < sorted.Count; k++)
        {
            if (k == 0 || sorted[k] != sorted[k - 1])
            {
                documents[sorted[k]]++;
            }
        }
    }

    /// <summary>Appends each distinct bucket of a sorted list with its weight (1 + ln tf)·idf, skipping buckets of idf
    /// 0; returns the half's Euclidean length.</summary>
    private static double Append(List<int> sorted, ReadOnlySpan<float> idf, List<int> ids, List<float> weights)
    {
        double squares = 0;
        for (int k = 0; k < sorted.Count;)
        {
            int bucket = sorted[k];
            int tf = 0;
            while (k < sorted.Count && sorted[k] == bucket)
            {
                tf++;
                k++;
            }
            if (idf[bucket] == 0)
            {
                continue;
            }
            float weight = (float)((1.0 + Math.Log(tf)) * idf[bucket]);
            ids.Add(bucket);
            weights.Add(weight);
            squares += (double)weight * weight;
        }
        return Math.Sqrt(squares);
    }

    private static void Scale(List<float> weights, int start, int end, double norm, double both)
    {
        for (int k = start; k < end; k++)
        {
            weights[k] = (float)(weights[k] / norm * both);
        }
    }
}
