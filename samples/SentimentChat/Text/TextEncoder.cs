using Microsoft.ML.Tokenizers;

namespace SentimentChat.Text;

/// <summary>
/// Turns a message into the rows of the classifier's embedding table: its GPT-2 BPE tokens (Microsoft.ML.Tokenizers,
/// the same vocabulary as GPT-2) and a hashed id for every pair of neighbouring tokens, so word order inside
/// phrases like "not good" or "on hold" reaches the model. Slots past the text are padding (-1).
/// </summary>
/// <remarks>
/// Text is lower-cased first: the comments are Reddit's, where "WHY" and "why" mean the same, and a lower-cased
/// vocabulary halves the rows the model must learn from 43,000 examples.
/// </remarks>
public sealed class TextEncoder
{
    /// <summary>The GPT-2 vocabulary size: unigram ids are in [0, this).</summary>
    public const int VocabularySize = 50257;

    /// <summary>The tokenizer's name, kept in the model file so a model is never read with another vocabulary.</summary>
    public const string TokenizerName = "gpt2 (Microsoft.ML.Tokenizers TiktokenTokenizer)";

    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");

    /// <summary>Creates an encoder.</summary>
    /// <param name="maxTokens">T: the context; longer texts are truncated to their first T tokens.</param>
    /// <param name="bigramBuckets">How many hashed rows bigrams share.</param>
    public TextEncoder(int maxTokens, int bigramBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bigramBuckets);
        MaxTokens = maxTokens;
        BigramBuckets = bigramBuckets;
    }

    /// <summary>T.</summary>
    public int MaxTokens { get; }

    /// <summary>Hashed bigram rows.</summary>
    public int BigramBuckets { get; }

    /// <summary>Rows of the embedding table: the vocabulary, then the bigram buckets.</summary>
    public int TableRows => VocabularySize + BigramBuckets;

    /// <summary>Slots per text: T unigrams and T - 1 bigrams.</summary>
    public int SlotsPerText => 2 * MaxTokens - 1;

    /// <summary>Encodes <paramref name="text"/> into <paramref name="slots"/> (length <see cref="SlotsPerText"/>).</summary>
    /// <param name="text">The message.</param>
    /// <param name="slots">Destination ids; unused slots are set to -1.</param>
    /// <returns>How many tokens the whole text has (more than <see cref="MaxTokens"/> means it was truncated).</returns>
    public int Encode(string text, Span<int> slots)
    {
        if (slots.Length != SlotsPerText)
        {
            throw new ArgumentException($"Expected {SlotsPerText} slots, got {slots.Length}.", nameof(slots));
        }
        slots.Fill(-1);
        var ids = _tokenizer.EncodeToIds(text.ToLowerInvariant());
        int count = Math.Min(ids.Count, MaxTokens);
        for (int i = 0; i < count; i++)
        {
            slots[i] = ids[i];
            if (i > 0)
            {
                slots[MaxTokens + i - 1] = VocabularySize + Bucket(ids[i - 1], ids[i]);
            }
        }
        return ids.Count;
    }

    /// <summary>Encodes many texts into one row-major matrix of <see cref="SlotsPerText"/> ids per text.</summary>
    public int[] EncodeAll(IReadOnlyList<string> texts)
    {
        var all = new int[texts.Count * SlotsPerText];
        for (int i = 0; i < texts.Count; i++)
        {
            Encode(texts[i], all.AsSpan(i * SlotsPerText, SlotsPerText));
        }
        return all;
    }

    /// <summary>A well-mixed hash (SplitMix64's finalizer) of the pair, so similar pairs land in unrelated buckets.</summary>
    private int Bucket(int first, int second)
    {
        ulong z = ((ulong)(uint)first << 32 | (uint)second) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z % (ulong)BigramBuckets);
    }
}
