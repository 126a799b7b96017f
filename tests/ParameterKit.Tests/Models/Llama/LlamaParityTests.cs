using ParameterKit.Models;
using ParameterKit.Models.Llama;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// The Llama family against PyTorch: logits from make_llama_fixtures.py, a float64 forward written to transformers'
/// LlamaForCausalLM / Qwen2 semantics, on tiny random checkpoints saved in the Hub's layout. Tolerance 1e-4 absolute per
/// logit (logits span about ±5, ±23 for Qwen2): float32 accumulation over widths of 24..64 stays near 1e-6.
/// </summary>
public sealed class LlamaParityTests
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> Fixtures => [.. LlamaFixture.Names];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Logits_of_every_position_match_pytorch(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = LlamaModel.Load(fixture.Folder);
        int v = model.VocabularySize;
        for (int p = 0; p < fixture.Prompts.Length; p++)
        {
            int[] prompt = fixture.Prompts[p];
            var logits = new float[prompt.Length * v];
            model.Forward(prompt, 1, prompt.Length, logits);
            for (int i = 0; i < prompt.Length; i++)
            {
                AssertClose(fixture.Logits[p][i], logits.AsSpan(i * v, v), $"{name} prompt {p} position {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Cached_forward_matches_pytorch_token_by_token_and_as_one_prompt(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = LlamaModel.Load(fixture.Folder);
        int[] prompt = fixture.Prompts[0];
        var logits = new float[model.VocabularySize];
        var cache = model.CreateCache();
        model.ForwardCached(prompt, cache, logits);
        AssertClose(fixture.Logits[0][^1], logits, $"{name} prompt at once");

        cache.Reset();
        for (int i = 0; i < prompt.Length; i++)
        {
            model.ForwardCached(prompt.AsSpan(i, 1), cache, logits);
            AssertClose(fixture.Logits[0][i], logits, $"{name} token {i} through the cache");
        }
        Assert.Equal(prompt.Length, cache.Length);

        // A prompt split unevenly: 3 tokens, then the rest, attend across the split.
        cache.Reset();
        model.ForwardCached(prompt.AsSpan(0, 3), cache, logits);
        AssertClose(fixture.Logits[0][2], logits, $"{name} first three");
        model.ForwardCached(prompt.AsSpan(3), cache, logits);
        AssertClose(fixture.Logits[0][^1], logits, $"{name} the rest after three");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Greedy_tokens_match_pytorch_with_and_without_the_cache(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = LlamaModel.Load(fixture.Folder);
        int[] prompt = fixture.Prompts[0];
        int v = model.VocabularySize, steps = fixture.Greedy.Length;

        var cached = new List<int>();
        var cache = model.CreateCache();
        var next = new float[v];
        model.ForwardCached(prompt, cache, next);
        for (int s = 0; s < steps; s++)
        {
            int token = ArgMax(next);
            cached.Add(token);
            if (s + 1 < steps)
            {
                model.ForwardCached([token], cache, next);
            }
        }

        var uncached = new List<int>();
        var ids = new List<int>(prompt);
        for (int s = 0; s < steps; s++)
        {
            var all = new float[ids.Count * v];
            model.Forward(ids.ToArray(), 1, ids.Count, all);
            int token = ArgMax(all.AsSpan((ids.Count - 1) * v, v));
            uncached.Add(token);
            ids.Add(token);
        }

        Assert.Equal(fixture.Greedy, cached);
        Assert.Equal(fixture.Greedy, uncached);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Batched_forward_equals_one_sequence_at_a_time(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = LlamaModel.Load(fixture.Folder);
        int v = model.VocabularySize, t = 6;
        int[] ids = [.. fixture.Prompts[0].Take(t), .. fixture.Prompts[1].Take(t)];
        var batched = new float[2 * t * v];
        model.Forward(ids, 2, t, batched);
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < t; i++)
            {
                AssertClose(fixture.Logits[b][i], batched.AsSpan((b * t + i) * v, v), $"{name} sequence {b} position {i} in a batch of two");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_dispatcher_loads_the_same_model(string name)
    {
        var fixture = LlamaFixture.Load(name);
        ICausalLanguageModel model = CausalLanguageModel.Load(fixture.Folder);
        Assert.IsType<LlamaModel>(model);
        var logits = new float[model.VocabularySize];
        model.ForwardCached(fixture.Prompts[2], model.CreateCache(), logits);
        AssertClose(fixture.Logits[2][^1], logits, $"{name} through CausalLanguageModel.Load");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = MathF.Abs(expected[i] - actual[i]);
            Assert.True(difference <= Tolerance, $"{what}, logit {i}: expected {expected[i]}, got {actual[i]} (difference {difference:E2} > {Tolerance:E0})");
        }
    }
}
