using FsCheck;
using FsCheck.Fluent;
using Microsoft.ML.Tokenizers;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters.Initializers;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// What <see cref="TextGenerator"/> adds beyond the GPT-2 parity tests (<see cref="Gpt2GenerationTests"/>): the
/// repetition penalty against a reference loop written from Hugging Face's definition, stop strings that span token
/// boundaries, and the finish reason.
/// </summary>
public sealed class TextGeneratorTests
{
    private static readonly Tokenizer Gpt2Tokenizer = TiktokenTokenizer.CreateForModel("gpt2");

    [Fact]
    public void RepetitionPenaltyMatchesAReferenceLoopOverTheWholeSequence()
    {
        // The reference: rerun the model on the whole sequence, apply HF's rule to every distinct token seen so far
        // (prompt included), take the argmax. Written without the generator's cache, sampler or stamps.
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var model = Gpt2Model.Load(fixture.Folder);
        const float penalty = 1.8f;
        const int steps = 24;
        var sequence = new List<int>(fixture.Prompt);
        var expected = new List<int>();
        for (int step = 0; step < steps; step++)
        {
            int v = model.VocabularySize, t = sequence.Count;
            var all = new float[t * v];
            model.Forward([.. sequence], 1, t, all);
            float[] last = all[((t - 1) * v)..];
            foreach (int id in sequence.Distinct())
            {
                last[id] = last[id] < 0 ? last[id] * penalty : last[id] / penalty;
            }
            int next = Array.IndexOf(last, last.Max());
            expected.Add(next);
            sequence.Add(next);
        }

        var generator = new TextGenerator(model);
        int[] penalized = [.. generator.Generate(fixture.Prompt, GenerationOptions.Greedy(steps) with { RepetitionPenalty = penalty })];
        Assert.Equal(expected, penalized);
        // The fixture's plain greedy tokens repeat themselves; the penalty must have changed something.
        Assert.NotEqual(fixture.Greedy.Take(steps), penalized);
    }

    [Fact]
    public void RepetitionPenaltyOfOneEqualsNoneForAnySeedAndSampling()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[0]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        Prop.ForAll(Gen.Choose(0, 1000).ToArbitrary(), Gen.Elements(0f, 0.7f, 1.3f).ToArbitrary(), Gen.Elements(0, 5).ToArbitrary(),
            (seed, temperature, topK) =>
            {
                var none = new GenerationOptions { MaxNewTokens = 12, Temperature = temperature, TopK = topK, Seed = (ulong)seed };
                int[] plain = [.. generator.Generate(fixture.Prompt, none)];
                int[] withOne = [.. generator.Generate(fixture.Prompt, none with { RepetitionPenalty = 1f })];
                return plain.SequenceEqual(withOne);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PenaltyRuleDividesPositiveAndMultipliesNegativeLogitsOncePerDistinctToken()
    {
        // Property: for any logits and sequence (with repeats), the sampler's in-place rule equals the naive rule.
        var sampler = new TokenSampler(8);
        Prop.ForAll(
            Gen.Choose(-400, 400).Select(i => i / 40f).ArrayOf(8).ToArbitrary(),
            Gen.Choose(0, 7).ArrayOf().ToArbitrary(),
            Gen.Elements(0.5f, 1f, 1.3f, 4f).ToArbitrary(),
            (logits, sequence, penalty) =>
            {
                float[] expected = [.. logits];
                foreach (int id in sequence.Distinct())
                {
                    expected[id] = expected[id] < 0 ? expected[id] * penalty : expected[id] / penalty;
                }
                float[] actual = [.. logits];
                sampler.ApplyRepetitionPenalty(actual, sequence, penalty);
                return expected.SequenceEqual(actual);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void PenalizedGenerationAllocatesNothingOnceWarm()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[2]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var destination = new int[32];
        var options = new GenerationOptions { MaxNewTokens = 32, TopK = 10, Seed = 1, RepetitionPenalty = 1.3f };
        generator.Generate(fixture.Prompt, destination, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        generator.Generate(fixture.Prompt, destination, options);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void LlamaGenerationAllocatesNothingOnceWarm()
    {
        // The rotation tables were sized to each call's token count, so every generation (a prompt of several tokens,
        // then one at a time) reallocated them: 256 bytes per generation after warm-up.
        var generator = new TextGenerator(ParameterKit.Models.Llama.LlamaModel.Load(ParameterKit.Tests.Models.Llama.LlamaFixture.FolderOf("gqa_llama3")));
        int[] prompt = [1, 2, 3, 4, 5];
        var destination = new int[12];
        var options = new GenerationOptions { MaxNewTokens = 12, TopK = 10, Seed = 1 };
        generator.Generate(prompt, destination, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        generator.Generate(prompt, destination, options);
        generator.Generate(prompt.AsSpan(0, 3), destination, options);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task AStopStringSpanningTwoTokensEndsTheStreamBeforeIt()
    {
        // " one two three four": each word is one GPT-2 token; "o thr" starts in " two" and ends in " three".
        var model = ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two three four five");
        var generator = new TextGenerator(model);
        var options = GenerationOptions.Greedy(10) with { StopStrings = ["o thr"] };
        var pieces = await StreamAsync(generator, "Count:", options);
        Assert.Equal(" one tw", string.Concat(pieces));
        Assert.Equal(GenerationFinishReason.StopString, generator.FinishReason);
        Assert.Equal(3, generator.GeneratedTokens);
        // " two" ends with "o", which could start the stop string: it was held back, not streamed and then retracted.
        Assert.Equal(new[] { " one", " tw" }, pieces);
    }

    [Fact]
    public async Task StopStringsCutTheTextAtTheirFirstOccurrenceWhereverTheyFall()
    {
        const string script = " The cat sat on the mat, and the dog barked at it.";
        var model = ScriptedModel.For(Gpt2Tokenizer, "Story:", script);
        var generator = new TextGenerator(model);
        var untilEnd = GenerationOptions.Greedy(64) with { StopTokens = [ScriptedModel.EndOfText] };
        string full = string.Concat(await StreamAsync(generator, "Story:", untilEnd));
        Assert.Equal(script, full);
        // Property: any substring of the script, used as a stop string, cuts the streamed text just before its first occurrence.
        Prop.ForAll(Gen.Choose(0, script.Length - 1).SelectMany(start => Gen.Choose(1, Math.Min(8, script.Length - start)).Select(length => script.Substring(start, length))).ToArbitrary(),
            stop =>
            {
                var options = untilEnd with { StopStrings = ["never appears", stop] };
                string text = string.Concat(StreamAsync(generator, "Story:", options).GetAwaiter().GetResult());
                return text == script[..script.IndexOf(stop, StringComparison.Ordinal)] && generator.FinishReason == GenerationFinishReason.StopString;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task The_prompt_runs_off_the_caller_s_thread_so_the_first_step_of_the_stream_returns_at_once()
    {
        // A long prompt's forward pass takes seconds on a real model; a stream's first MoveNextAsync must not hold its
        // caller (a UI thread, a request handler) for all of it. The gate stands for that pass: it stays shut until the
        // caller has got its pending first step back.
        using var gate = new ManualResetEventSlim();
        var model = new GatedModel(ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two"), gate);
        var generator = new TextGenerator(model);
        await using var stream = generator.StreamAsync(Gpt2Tokenizer, "Count:", GenerationOptions.Greedy(2)).GetAsyncEnumerator();
        ValueTask<bool> first = default;
        using var returned = new ManualResetEventSlim();
        var caller = new Thread(() =>
        {
            first = stream.MoveNextAsync();
            returned.Set();
        });
        caller.Start();

        bool returnedWhilePromptRan = returned.Wait(TimeSpan.FromSeconds(10));
        gate.Set();
        caller.Join();

        Assert.True(returnedWhilePromptRan, "MoveNextAsync ran the prompt on the caller's thread");
        Assert.True(await first);
        Assert.Equal(" one", stream.Current);
    }

    /// <summary>A model whose multi-token (prompt) forward passes wait for a gate.</summary>
    private sealed class GatedModel(ICausalLanguageModel inner, ManualResetEventSlim gate) : ICausalLanguageModel
    {
        public int VocabularySize => inner.VocabularySize;

        public int ContextLength => inner.ContextLength;

        public KvCache CreateCache(int capacity = 0) => inner.CreateCache(capacity);

        public void Forward(ReadOnlySpan<int> ids, int batch, int tokens, Span<float> logits)
        {
            gate.Wait();
            inner.Forward(ids, batch, tokens, logits);
        }

        public void ForwardCached(ReadOnlySpan<int> ids, KvCache cache, Span<float> logits)
        {
            if (ids.Length > 1)
            {
                gate.Wait();
            }
            inner.ForwardCached(ids, cache, logits);
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task FinishReasonsNameWhatEndedGeneration()
    {
        var model = ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two three");
        var generator = new TextGenerator(model);
        await StreamAsync(generator, "Count:", GenerationOptions.Greedy(2));
        Assert.Equal(GenerationFinishReason.MaxNewTokens, generator.FinishReason);
        Assert.Equal(2, generator.GeneratedTokens);
        // After the script the scripted model says end-of-text.
        string text = string.Concat(await StreamAsync(generator, "Count:", GenerationOptions.Greedy(20) with { StopTokens = [ScriptedModel.EndOfText] }));
        Assert.Equal(" one two three", text);
        Assert.Equal(GenerationFinishReason.StopToken, generator.FinishReason);
        Assert.Equal(3, generator.GeneratedTokens);

        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[0]);
        var small = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        small.Generate(fixture.Prompt, new int[200], GenerationOptions.Greedy(200));
        Assert.Equal(GenerationFinishReason.ContextFull, small.FinishReason);
    }

    [Fact]
    public void LazyTokensReplayWhenEnumeratedAgain()
    {
        var generator = new TextGenerator(ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two three four"));
        int[] prompt = [.. Gpt2Tokenizer.EncodeToIds("Count:")];
        int[] oneTwo = [.. Gpt2Tokenizer.EncodeToIds(" one two")];
        IEnumerable<int> tokens = generator.Generate(prompt, GenerationOptions.Greedy(2));

        Assert.Equal(oneTwo, tokens.ToArray());
        // Going on from the shared cache would give " three four"; the tokens are remembered instead.
        Assert.Equal(oneTwo, tokens.ToArray());
        Assert.Equal(2, tokens.Count());

        // Interleaved enumerations read one generation: the second sees the tokens the first made.
        IEnumerable<int> again = generator.Generate(prompt, GenerationOptions.Greedy(2));
        Assert.Equal(oneTwo.Zip(oneTwo), again.Zip(again));

        // A partial enumeration goes on where it stopped.
        IEnumerable<int> partial = generator.Generate(prompt, GenerationOptions.Greedy(2));
        Assert.Equal(oneTwo[0], partial.First());
        Assert.Equal(oneTwo, partial.ToArray());
    }

    [Fact]
    public void LazyTokensThatALaterGenerationOvertookReplayButCannotGoOn()
    {
        var generator = new TextGenerator(ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two three four"));
        int[] prompt = [.. Gpt2Tokenizer.EncodeToIds("Count:")];
        int[] oneTwo = [.. Gpt2Tokenizer.EncodeToIds(" one two")];

        IEnumerable<int> first = generator.Generate(prompt, GenerationOptions.Greedy(2));
        int made = first.First();
        int[] second = [.. generator.Generate(prompt, GenerationOptions.Greedy(2))];
        Assert.Equal(oneTwo, second);

        Assert.Equal(made, first.First());   // already made: replayed
        var overtaken = Assert.Throws<InvalidOperationException>(() => first.ToArray());
        Assert.Contains("later generation", overtaken.Message);
        // The failure is remembered: a cut-short generation never passes for a finished one.
        var again = Assert.Throws<InvalidOperationException>(() => first.ToArray());
        Assert.Same(overtaken, again.InnerException);
    }

    [Fact]
    public void BadOptionsAreRejectedNamingTheOption()
    {
        var generator = new TextGenerator(ScriptedModel.For(Gpt2Tokenizer, "a", " b"));
        int[] prompt = [.. Gpt2Tokenizer.EncodeToIds("a")];
        var penalty = Assert.Throws<ArgumentOutOfRangeException>(() => generator.Generate(prompt, new int[4], new GenerationOptions { RepetitionPenalty = 0 }));
        Assert.Equal(nameof(GenerationOptions.RepetitionPenalty), penalty.ParamName);
        var empty = Assert.Throws<ArgumentException>(() => generator.Generate(prompt, new int[4], new GenerationOptions { StopStrings = [""] }));
        Assert.Equal(nameof(GenerationOptions.StopStrings), empty.ParamName);
    }

    [Fact]
    public async Task CancellationStopsTheStream()
    {
        var generator = new TextGenerator(ScriptedModel.For(Gpt2Tokenizer, "Count:", " one two three four five"));
        using var cancel = new CancellationTokenSource();
        var pieces = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in generator.StreamAsync(Gpt2Tokenizer, "Count:", GenerationOptions.Greedy(10), cancel.Token))
            {
                pieces.Add(piece);
                await cancel.CancelAsync();
            }
        });
        Assert.Equal(new[] { " one" }, pieces);
    }

    private static async Task<List<string>> StreamAsync(TextGenerator generator, string prompt, GenerationOptions options)
    {
        var pieces = new List<string>();
        await foreach (string piece in generator.StreamAsync(Gpt2Tokenizer, prompt, options))
        {
            pieces.Add(piece);
        }
        return pieces;
    }
}
