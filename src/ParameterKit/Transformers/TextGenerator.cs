using System.Runtime.CompilerServices;
using Microsoft.ML.Tokenizers;
using ParameterKit.Parameters.Initializers;

namespace ParameterKit.Transformers;

/// <summary>
/// Generates text with any <see cref="ICausalLanguageModel"/> (GPT-2, the Llama family): the prompt runs once through
/// the model, then each new token is chosen from the last position's logits (<see cref="GenerationOptions"/>:
/// repetition penalty, greedy, temperature, top-k, top-p, seed) and fed back, one position at a time through the
/// <see cref="KvCache"/>.
/// </summary>
/// <remarks>
/// The generator owns one cache (the model's full context), the logits row and the sampler's scratch, so
/// <see cref="Generate(ReadOnlySpan{int}, Span{int}, GenerationOptions)"/> allocates nothing per token. It is not
/// thread-safe: one generation at a time per generator (and per model, whose inference buffers it uses).
/// </remarks>
/// <example>
/// <code>
/// var generator = new TextGenerator(Gpt2Model.Load("gpt2"));
/// var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
/// await foreach (string piece in generator.StreamAsync(tokenizer, "The meaning of life is", new GenerationOptions { TopP = 0.9f, Seed = 1 }))
/// {
///     Console.Write(piece);
/// }
/// </code>
/// </example>
public sealed class TextGenerator
{
    private readonly KvCache _cache;
    private readonly float[] _logits;
    private readonly TokenSampler _sampler;
    private readonly int[] _history;
    // Counts Begin calls, so lazy tokens of an earlier Generate notice that a later one took over the cache and history.
    private int _sequence;

    /// <summary>Prepares to generate with <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model (loaded or trained).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    public TextGenerator(ICausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _cache = model.CreateCache();
        _logits = new float[model.VocabularySize];
        _sampler = new TokenSampler(model.VocabularySize);
        _history = new int[model.ContextLength];
    }

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>Why the most recent generation ended (valid once it has ended: the span API returned, or an enumeration or stream completed).</summary>
    public GenerationFinishReason FinishReason { get; private set; }

    /// <summary>
    /// Tokens the most recent generation sampled, stop tokens excluded; with a stop string this includes the tokens
    /// that spelled it, which the model did compute. Counts what is billed as output in a chat's usage.
    /// </summary>
    public int GeneratedTokens { get; private set; }

    /// <summary>
    /// Generates up to <c>min(MaxNewTokens, destination.Length)</c> tokens after <paramref name="prompt"/>, stopping early at a
    /// stop token (not written) or when the context is full. Stop strings are ignored here (no tokenizer to decode with).
    /// </summary>
    /// <param name="prompt">At least one token id.</param>
    /// <param name="destination">Receives the new tokens.</param>
    /// <param name="options">Sampling; greedy when it says τ = 0.</param>
    /// <returns>How many tokens were written.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or longer than the context.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or a prompt id is outside the vocabulary.</exception>
    public int Generate(ReadOnlySpan<int> prompt, Span<int> destination, GenerationOptions options)
    {
        var random = Begin(prompt, options);
        int limit = Math.Min(options.MaxNewTokens, destination.Length);
        int produced = 0;
        FinishReason = GenerationFinishReason.MaxNewTokens;
        while (produced < limit)
        {
            int token = Next(options, ref random, produced + 1 < limit);
            if (token < 0)
            {
                break;
            }
            destination[produced++] = token;
        }
        return produced;
    }

    /// <summary>Generates tokens after <paramref name="prompt"/> lazily, one per enumeration step (see <see cref="Generate(ReadOnlySpan{int}, Span{int}, GenerationOptions)"/>).</summary>
    /// <param name="prompt">At least one token id.</param>
    /// <param name="options">Sampling.</param>
    /// <returns>
    /// The new tokens; the model runs as they are first enumerated, and enumerating again replays the same tokens.
    /// Generation continues the generator's one shared cache, so asking for tokens not yet made after the next
    /// generation on this generator has started throws <see cref="InvalidOperationException"/> (the tokens already
    /// made still replay): enumerate one generation as far as you need before starting the next.
    /// </returns>
    /// <exception cref="ArgumentException">The prompt is empty or longer than the context.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or a prompt id is outside the vocabulary.</exception>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        int[] ids = [.. prompt];
        var random = Begin(ids, options);
        return new LazyTokens(this, options, random, _sequence);
    }

    /// <summary>
    /// Streams the completion of <paramref name="prompt"/> as text: encodes it with <paramref name="tokenizer"/> (the
    /// model's own, such as GPT-2's <c>TiktokenTokenizer.CreateForModel("gpt2")</c>), generates, and yields each new
    /// piece of decoded text (see <see cref="StreamEncodedAsync(Tokenizer, IReadOnlyList{int}, GenerationOptions, CancellationToken)"/>).
    /// </summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompt">The prompt text.</param>
    /// <param name="options">Sampling and stopping.</param>
    /// <param name="cancellationToken">Stops generation between tokens.</param>
    /// <returns>Text pieces whose concatenation is the decoded completion, cut before any stop string.</returns>
    /// <exception cref="ArgumentException">The prompt encodes to no tokens or more than the context holds.</exception>
    public IAsyncEnumerable<string> StreamAsync(Tokenizer tokenizer, string prompt, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        return StreamEncodedAsync(tokenizer, tokenizer.EncodeToIds(prompt), options, cancellationToken);
    }

    /// <summary>
    /// Streams the completion of already-encoded <paramref name="prompt"/> (a chat template's rendering, or ids whose
    /// count the caller needs, as a chat client's usage does) as text, decoding the new tokens with
    /// <paramref name="tokenizer"/>. Two kinds of text are held back until the next token settles them: a token that
    /// ends inside a multi-byte UTF-8 character (until the character is complete), and a tail that could be the start
    /// of a stop string (until it cannot). When the decoded completion contains a stop string, the text before it is
    /// yielded and generation ends (<see cref="FinishReason"/> is <see cref="GenerationFinishReason.StopString"/>).
    /// </summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompt">The prompt's token ids.</param>
    /// <param name="options">Sampling and stopping.</param>
    /// <param name="cancellationToken">Stops generation between tokens (<see cref="OperationCanceledException"/>).</param>
    /// <returns>Text pieces whose concatenation is the decoded completion, cut before any stop string.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or longer than the context.</exception>
    public async IAsyncEnumerable<string> StreamEncodedAsync(Tokenizer tokenizer, IReadOnlyList<int> prompt, GenerationOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var generated = new List<int>();
        int emitted = 0;
        string text = "";
        // The prompt's forward pass is the long step (seconds for a long prompt on a real model): it runs on the thread
        // pool, so the first MoveNextAsync hands its caller (a UI thread, a request handler) a pending step at once
        // instead of holding it for the whole pass; every later step continues off the caller's context too.
        IEnumerable<int> tokens = await Task.Run(() => Generate(prompt, options), cancellationToken).ConfigureAwait(false);
        foreach (int token in tokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            generated.Add(token);
            text = tokenizer.Decode(generated) ?? "";
            int stop = StopStringSearch.IndexOfFirst(text, options.StopStrings);
            if (stop >= 0)
            {
                FinishReason = GenerationFinishReason.StopString;
                if (stop > emitted)
                {
                    yield return text[emitted..stop];
                }
                yield break;
            }
            // U+FFFD at the end means the last token's bytes are an incomplete UTF-8 sequence: wait for the rest.
            int safe = text.Length > 0 && text[^1] == '\uFFFD' ? emitted : text.Length - StopStringSearch.LongestPrefixAtEnd(text, options.StopStrings);
            if (safe > emitted)
            {
                yield return text[emitted..safe];
                emitted = safe;
            }
            // Let the consumer run (print, cancel) between tokens, as a stream should.
            await Task.Yield();
        }
        if (text.Length > emitted)
        {
            yield return text[emitted..];
        }
    }

    private IEnumerator<int> Enumerate(GenerationOptions options, SeededRandom random, int sequence)
    {
        FinishReason = GenerationFinishReason.MaxNewTokens;
        for (int produced = 0; produced < options.MaxNewTokens; produced++)
        {
            if (sequence != _sequence)
            {
                throw new InvalidOperationException(
                    "A later generation on this TextGenerator replaced the sequence these tokens continue: enumerate one generation to its end before starting the next.");
            }
            int token = Next(options, ref random, produced + 1 < options.MaxNewTokens);
            if (token < 0)
            {
                yield break;
            }
            yield return token;
        }
    }

    /// <summary>Validates, resets the cache and runs the prompt, leaving the logits of the first new token in place.</summary>
    private SeededRandom Begin(ReadOnlySpan<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompt.IsEmpty || prompt.Length > Model.ContextLength)
        {
            throw new ArgumentException($"The prompt has {prompt.Length} tokens; it needs at least 1 and at most the context's {Model.ContextLength}.", nameof(prompt));
        }
        _sequence++;
        prompt.CopyTo(_history);
        Length = prompt.Length;
        GeneratedTokens = 0;
        _cache.Reset();
        Run(prompt, options.UseCache);
        return new SeededRandom(options.Seed);
    }

    /// <summary>Tokens in the current sequence (prompt and generated).</summary>
    private int Length { get; set; }

    /// <summary>Samples the next token and, when <paramref name="feed"/> and there is room, runs it through the model; -1 when generation ends.</summary>
    private int Next(GenerationOptions options, ref SeededRandom random, bool feed)
    {
        if (Length >= Model.ContextLength)
        {
            FinishReason = GenerationFinishReason.ContextFull;
            return -1;
        }
        _sampler.ApplyRepetitionPenalty(_logits, _history.AsSpan(0, Length), options.RepetitionPenalty);
        int token = _sampler.Sample(_logits, options, ref random);
        foreach (int stop in options.StopTokens)
        {
            if (token == stop)
            {
                FinishReason = GenerationFinishReason.StopToken;
                return -1;
            }
        }
        _history[Length++] = token;
        GeneratedTokens++;
        if (feed && Length < Model.ContextLength)
        {
            Run(_history.AsSpan(Length - 1, 1), options.UseCache);
        }
        return token;
    }

    /// <summary>Leaves the logits after <paramref name="newTokens"/> in <c>_logits</c>, through the cache or by rerunning the whole history.</summary>
    private void Run(ReadOnlySpan<int> newTokens, bool useCache)
    {
        if (useCache)
        {
            Model.ForwardCached(newTokens, _cache, _logits);
            return;
        }
        int t = Length, v = Model.VocabularySize;
        var all = new float[t * v];
        Model.Forward(_history.AsSpan(0, t), 1, t, all);
        all.AsSpan((t - 1) * v, v).CopyTo(_logits);
    }

    /// <summary>
    /// The tokens of one <see cref="Generate(IReadOnlyList{int}, GenerationOptions)"/> call, generated on demand and
    /// remembered. The prompt already ran and each step moves the generator's one cache on, so generation cannot start
    /// over: a second enumeration (or two interleaved ones, as <c>tokens.Zip(tokens)</c> makes) replays the tokens made
    /// so far and then asks the same generation for more. Only more tokens need the cache, so only asking for them
    /// after a later generation started, or after this one failed, throws.
    /// </summary>
    private sealed class LazyTokens(TextGenerator generator, GenerationOptions options, SeededRandom random, int sequence) : IEnumerable<int>
    {
        private readonly List<int> _made = [];
        private IEnumerator<int>? _source;
        private bool _ended;
        private Exception? _failure;

        public IEnumerator<int> GetEnumerator()
        {
            for (int i = 0; ; i++)
            {
                if (i == _made.Count && !TryMakeOne())
                {
                    yield break;
                }
                yield return _made[i];
            }
        }

        /// <summary>Asks the generation for one more token; false once it has ended.</summary>
        private bool TryMakeOne()
        {
            if (_ended)
            {
                return false;
            }
            if (_failure is not null)
            {
                throw new InvalidOperationException(
                    "An earlier enumeration of these tokens failed, so the generation cannot go on. Call Generate again to start over.", _failure);
            }
            _source ??= generator.Enumerate(options, random, sequence);
            try
            {
                if (_source.MoveNext())
                {
                    _made.Add(_source.Current);
                    return true;
                }
            }
            catch (Exception failure)
            {
                // A C# iterator that threw reports "no more items" afterwards; remembering the failure keeps a later
                // enumeration from mistaking a cut-short generation for a finished one.
                _failure = failure;
                _source.Dispose();
                throw;
            }
            _ended = true;
            _source.Dispose();
            return false;
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
