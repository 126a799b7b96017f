using Microsoft.ML.Tokenizers;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// A deterministic stand-in for a language model: after a prompt of <c>promptLength</c> tokens it puts all the
/// probability on the script's next token, by position, then on <see cref="EndOfText"/>. Generation tests then know
/// exactly which text comes out, so stop strings and finish reasons can be checked against it.
/// </summary>
internal sealed class ScriptedModel(int promptLength, int[] script) : ICausalLanguageModel
{
    /// <summary>GPT-2's &lt;|endoftext|&gt;, said once the script is spoken.</summary>
    public const int EndOfText = 50256;

    public int VocabularySize => 50257;

    public int ContextLength => 256;

    /// <summary>A model that answers <paramref name="prompt"/> with <paramref name="script"/>, both encoded by <paramref name="tokenizer"/>.</summary>
    public static ScriptedModel For(Tokenizer tokenizer, string prompt, string script) =>
        new(tokenizer.EncodeToIds(prompt).Count, [.. tokenizer.EncodeToIds(script)]);

    public KvCache CreateCache(int capacity = 0) => new(0, capacity == 0 ? ContextLength : capacity, 1);

    public void Forward(ReadOnlySpan<int> ids, int batch, int tokens, Span<float> logits)
    {
        for (int row = 0; row < batch * tokens; row++)
        {
            OneHot(row % tokens + 1, logits.Slice(row * VocabularySize, VocabularySize));
        }
    }

    public void ForwardCached(ReadOnlySpan<int> ids, KvCache cache, Span<float> logits)
    {
        cache.Advance(ids.Length);
        OneHot(cache.Length, logits);
    }

    /// <summary>Holds nothing to release.</summary>
    public void Dispose()
    {
    }

    /// <summary>The logits after <paramref name="length"/> tokens: 10 on the script's next token, 0 elsewhere.</summary>
    private void OneHot(int length, Span<float> logits)
    {
        logits.Clear();
        int index = length - promptLength;
        logits[index >= 0 && index < script.Length ? script[index] : EndOfText] = 10f;
    }
}
