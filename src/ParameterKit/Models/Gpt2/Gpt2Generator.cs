using System.Runtime.CompilerServices;
using Microsoft.ML.Tokenizers;
using ParameterKit.Parameters.Initializers;

using ParameterKit.Transformers;

namespace ParameterKit.Models.Gpt2;

/// <summary>
/// Generates text with a <see cref="Gpt2Model"/>: the prompt runs once through the model, then each new token is
/// chosen from the last position's logits (<see cref="GenerationOptions"/>: greedy, temperature, top-k, top-p, seed)
/// and fed back, one position at a time through the <see cref="KvCache"/>.
/// </summary>
/// <remarks>
/// The generator owns one cache (the model's full context), the logits row and the sampler's scratch, so
/// <see cref="Generate(ReadOnlySpan{int}, Span{int}, GenerationOptions)"/> allocates nothing per token. It is not
/// thread-safe: one generation at a time per generator (and per model, whose inference buffers it uses).
/// </remarks>
/// <example>
/// <code>
/// var generator = new Gpt2Generator(Gpt2Model.Load("gpt2"));
/// var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
/// await foreach (string piece in generator.StreamAsync(tokenizer, "The meaning of life is", new GenerationOptions { TopP = 0.9f, Seed = 1 }))
/// {
///     Console.Write(piece);
/// }
/// </code>
/// </example>
public sealed class Gpt2Generator
{
    private readonly KvCache _cache;
    private readonly float[] _logits;
    private readonly TokenSampler _sampler;
    private readonly int[] _history;

    /// <summary>Prepares to generate with <paramref name="model"/>.</summary>
    /// <param name="model">A materialized model (loaded or trained).</param>
    public Gpt2Generator(Gpt2Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _cache = model.CreateCache();
        _logits = new float[model.Config.VocabSize];
        _sampler = new TokenSampler(model.Config.VocabSize);
        _history = new int[model.Config.Positions];
    }

    /// <summary>The model.</summary>
    public Gpt2Model Model { get; }

    /// <summary>
    /// Generates up to <c>min(MaxNewTokens, destination.Length)</c> tokens after <paramref name="prompt"/>, stopping early at a
    /// stop token (not written) or when the context (n_positions) is full.
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
    /// <returns>The new tokens; the model runs as they are enumerated.</returns>
    public IEnumerable<int> Generate(IReadOnlyList<int> prompt, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        int[] ids = [.. prompt];
        var random = Begin(ids, options);
        return Enumerate(options, random);
    }

    /// <summary>
    /// Streams the completion of <paramref name="prompt"/> as text: encodes it with <paramref name="tokenizer"/> (GPT-2's
    /// encoding: <c>TiktokenTokenizer.CreateForModel("gpt2")</c>), generates, and yields each new piece of decoded text.
    /// A token that ends inside a multi-byte UTF-8 character is held back until the character is complete.
    /// </summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompt">The prompt text.</param>
    /// <param name="options">Sampling.</param>
    /// <param name="cancellationToken">Stops generation between tokens.</param>
    /// <returns>Text pieces whose concatenation is the decoded completion.</returns>
    public async IAsyncEnumerable<string> StreamAsync(Tokenizer tokenizer, string prompt, GenerationOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<int> ids = tokenizer.EncodeToIds(prompt);
        var generated = new List<int>();
        int emitted = 0;
        string text = "";
        foreach (int token in Generate(ids, options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            generated.Add(token);
            text = tokenizer.Decode(generated) ?? "";
            // U+FFFD at the end means the last token's bytes are an incomplete UTF-8 sequence: wait for the rest.
            if (text.Length > emitted && text[^1] != '\uFFFD')
            {
                yield return text[emitted..];
                emitted = text.Length;
            }
            // Let the consumer run (print, cancel) between tokens, as a stream should.
            await Task.Yield();
        }
        if (text.Length > emitted)
        {
            yield return text[emitted..];
        }
    }

    private IEnumerable<int> Enumerate(GenerationOptions options, SeededRandom random)
    {
        for (int produced = 0; produced < options.MaxNewTokens; produced++)
        {
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
        if (prompt.IsEmpty || prompt.Length > Model.Config.Positions)
        {
            throw new ArgumentException($"The prompt has {prompt.Length} tokens; it needs at least 1 and at most the context's {Model.Config.Positions}.", nameof(prompt));
        }
        prompt.CopyTo(_history);
        Length = prompt.Length;
        _cache.Reset();
        Run(prompt, options.UseCache);
        return new SeededRandom(options.Seed);
    }

    /// <summary>Tokens in the current sequence (prompt and generated).</summary>
    private int Length { get; set; }

    /// <summary>Samples the next token and, when <paramref name="feed"/> and there is room, runs it through the model; -1 when generation ends.</summary>
    private int Next(GenerationOptions options, ref SeededRandom random, bool feed)
    {
        if (Length >= Model.Config.Positions)
        {
            return -1;
        }
        int token = _sampler.Sample(_logits, options, ref random);
        foreach (int stop in options.StopTokens)
        {
            if (token == stop)
            {
                return -1;
            }
        }
        _history[Length++] = token;
        if (feed && Length < Model.Config.Positions)
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
        int t = Length, v = Model.Config.VocabSize;
        var all = new float[t * v];
        Model.Forward(_history.AsSpan(0, t), 1, t, all);
        all.AsSpan((t - 1) * v, v).CopyTo(_logits);
    }
}
