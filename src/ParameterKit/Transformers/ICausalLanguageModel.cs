namespace ParameterKit.Transformers;

/// <summary>
/// A decoder-only language model seen from outside: token ids in, next-token logits out, with a <see cref="KvCache"/>
/// for generation. Generation, chat clients and the command line drive every architecture (GPT-2, the Llama family)
/// through this one contract, so none of them needs to know which model it runs. Disposing releases what a loaded model
/// keeps open: the memory-mapped checkpoint its bf16/f16 weights are read from in place (nothing for a float32 model).
/// </summary>
public interface ICausalLanguageModel : IDisposable
{
    /// <summary>V: the number of token ids, and the length of one row of logits.</summary>
    int VocabularySize { get; }

    /// <summary>The most positions one sequence may hold (the context length the model was built for).</summary>
    int ContextLength { get; }

    /// <summary>Allocates a key/value cache for one sequence.</summary>
    /// <param name="capacity">The most positions it holds; <see cref="ContextLength"/> when 0.</param>
    /// <returns>An empty cache shaped for this model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or above <see cref="ContextLength"/>.</exception>
    KvCache CreateCache(int capacity = 0);

    /// <summary>Computes the logits of every position of B sequences of T tokens (no cache).</summary>
    /// <param name="ids">B x T token ids, row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="tokens">T, at most <see cref="ContextLength"/>.</param>
    /// <param name="logits">B·T x V destination.</param>
    void Forward(ReadOnlySpan<int> ids, int batch, int tokens, Span<float> logits);

    /// <summary>Runs new tokens of one sequence against its cache and writes the logits of the token after the last one.</summary>
    /// <param name="ids">The new tokens (at least one).</param>
    /// <param name="cache">The sequence's cache; advanced by ids.Length.</param>
    /// <param name="logits">V destination.</param>
    void ForwardCached(ReadOnlySpan<int> ids, KvCache cache, Span<float> logits);
}
