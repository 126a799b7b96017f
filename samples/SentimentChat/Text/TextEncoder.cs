using Microsoft.ML.Tokenizers;

namespace SentimentChat.Text;

/// <summary>
/// Turns a message into the rows of the classifier's embedding table, in three bags that the model pools
/// separately: words (GPT-2 BPE tokens and a hashed id for every pair of neighbouring tokens), character n-grams of
/// every word (hashed), and style cues (shouting, repeated punctuation). Unused slots are padding (-1).
/// </summary>
/// <remarks>
/// Why three bags: tokens and token pairs carry what the message says ("not good", "on hold"); character n-grams
/// of the words let "refnd", "refunddd" and "refund" share most of their rows, so typos and non-native spellings
/// still reach the model (fastText's subword idea); style cues keep what lower-casing throws away ("WHY", "???").
/// Pooled apart, the bags cannot drown each other: a long word yields a dozen n-grams but one token.
/// Table layout: [0, V) tokens, then bigram buckets, then n-gram buckets, then one row per <see cref="StyleCue"/>.
/// </remarks>
public sealed class TextEncoder
{
    /// <summary>The GPT-2 vocabulary size: unigram ids are in [0, this).</summary>
    public const int VocabularySize = 50257;

    /// <summary>The tokenizer's name, kept in the model file so a model is never read with another vocabulary.</summary>
    public const string TokenizerName = "gpt2 (Microsoft.ML.Tokenizers TiktokenTokenizer)";

    private static readonly Tokenizer SharedTokenizer = TiktokenTokenizer.CreateForModel("gpt2");

    /// <summary>Creates an encoder.</summary>
    /// <param name="maxTokens">T: tokens kept per message; longer texts are truncated to their first T tokens.</param>
    /// <param name="bigramBuckets">Hashed rows token pairs share.</param>
    /// <param name="charGramBuckets">Hashed rows character n-grams share.</param>
    /// <param name="maxCharGrams">G: character n-grams kept per message (the first G).</param>
    public TextEncoder(int maxTokens, int bigramBuckets, int charGramBuckets, int maxCharGrams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bigramBuckets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charGramBuckets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharGrams);
        MaxTokens = maxTokens;
        BigramBuckets = bigramBuckets;
        CharGramBuckets = charGramBuckets;
        MaxCharGrams = maxCharGrams;
        Bags =
        [
            (0, 2 * maxTokens - 1),
            (2 * maxTokens - 1, maxCharGrams),
            (2 * maxTokens - 1 + maxCharGrams, StyleCues.Count),
        ];
    }

    /// <summary>T.</summary>
    public int MaxTokens { get; }

    /// <summary>Hashed bigram rows.</summary>
    public int BigramBuckets { get; }

    /// <summary>Hashed character n-gram rows.</summary>
    public int CharGramBuckets { get; }

    /// <summary>G.</summary>
    public int MaxCharGrams { get; }

    /// <summary>Rows of the embedding table: tokens, bigram buckets, n-gram buckets, style cues.</summary>
    public int TableRows => VocabularySize + BigramBuckets + CharGramBuckets + StyleCues.Count;

    /// <summary>The bags, in slot order: where each starts and how many slots it has (fixed at construction, so the
    /// model's steps read it without allocating).</summary>
    public IReadOnlyList<(int Offset, int Length)> Bags { get; }

    /// <summary>Slots per text: T tokens and T - 1 bigrams, G n-grams, one per style cue.</summary>
    public int SlotsPerText => 2 * MaxTokens - 1 + MaxCharGrams + StyleCues.Count;

    /// <summary>Encodes <paramref name="text"/> into <paramref name="slots"/> (length <see cref="SlotsPerText"/>).</summary>
    /// <param name="text">The message.</param>
    /// <param name="slots">Destination ids; unused slots are set to -1.</param>
    /// <returns>How many tokens the whole text has (more than <see cref="MaxTokens"/> means it was truncated).</returns>
    public int Encode(string text, Span<int> slots)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (slots.Length != SlotsPerText)
        {
            throw new ArgumentException($"Expected {SlotsPerText} slots, got {slots.Length}.", nameof(slots));
        }
        slots.Fill(-1);
        string lower = text.ToLowerInvariant();
        var ids = SharedTokenizer.EncodeToIds(lower);
        int count = Math.Min(ids.Count, MaxTokens);
        for (int i = 0; i < count; i++)
        {
            slots[i] = ids[i];
            if (i > 0)
            {
                slots[MaxTokens + i - 1] = VocabularySize + (int)(FeatureHash.Pair(ids[i - 1], ids[i]) % (ulong)BigramBuckets);
            }
        }
        var bags = Bags;
        var grams = slots.Slice(bags[1].Offset, bags[1].Length);
        int gramBase = VocabularySize + BigramBuckets;
        int written = 0;
        foreach (ulong hash in new CharGrams(lower))
        {
            if (written == grams.Length)
            {
                break;
            }
            grams[written++] = gramBase + (int)(hash % (ulong)CharGramBuckets);
        }
        var style = slots.Slice(bags[2].Offset, bags[2].Length);
        int styleBase = gramBase + CharGramBuckets;
        int cues = 0;
        foreach (var cue in StyleCues.Of(text))
        {
            style[cues++] = styleBase + (int)cue;
        }
        return ids.Count;
    }

    /// <summary>How many tokens <paramref name="text"/> has (the count <see cref="Encode"/> returns).</summary>
    public static int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SharedTokenizer.CountTokens(text.ToLowerInvariant());
    }

    /// <summary>Encodes many texts into one row-major matrix of <see cref="SlotsPerText"/> ids per text.</summary>
    public int[] EncodeAll(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var all = new int[texts.Count * SlotsPerText];
        Parallel.For(0, texts.Count, i => Encode(texts[i], all.AsSpan(i * SlotsPerText, SlotsPerText)));
        return all;
    }
}
