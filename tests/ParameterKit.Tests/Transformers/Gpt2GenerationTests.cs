using Microsoft.ML.Tokenizers;
using ParameterKit.Models.Gpt2;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Transformers;

/// <summary>Generation against the PyTorch reference's greedy tokens, and the sampling options' contracts.</summary>
public sealed class Gpt2GenerationTests
{
    [Theory]
    [MemberData(nameof(Gpt2ParityTests.Fixtures), MemberType = typeof(Gpt2ParityTests))]
    public void GreedyDecodingReproducesPyTorchFor32StepsWithAndWithoutTheCache(string name)
    {
        var fixture = Gpt2Fixture.Load(name);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var cached = new int[32];
        Assert.Equal(32, generator.Generate(fixture.Prompt, cached, GenerationOptions.Greedy(32)));
        Assert.Equal(fixture.Greedy, cached);
        var uncached = generator.Generate(fixture.Prompt, GenerationOptions.Greedy(32) with { UseCache = false }).ToArray();
        Assert.Equal(fixture.Greedy, uncached);
    }

    [Fact]
    public void SamplingIsReproducibleFromItsSeedAndTopKOfOneIsGreedy()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var options = new GenerationOptions { MaxNewTokens = 24, Temperature = 1.5f, TopK = 40, TopP = 0.95f, Seed = 7 };
        int[] first = [.. generator.Generate(fixture.Prompt, options)];
        int[] again = [.. generator.Generate(fixture.Prompt, options)];
        int[] other = [.. generator.Generate(fixture.Prompt, options with { Seed = 8 })];
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(24, first.Length);

        int[] topOne = [.. generator.Generate(fixture.Prompt, new GenerationOptions { MaxNewTokens = 32, Temperature = 2f, TopK = 1, Seed = 3 })];
        Assert.Equal(fixture.Greedy, topOne);
        // A temperature so small that 1/τ (subnormal) or z/τ (1e-38) overflows samples the greedy token, not NaN's last id.
        foreach (float tiny in new[] { float.Epsilon, 1e-40f, 1e-38f })
        {
            Assert.Equal(fixture.Greedy, generator.Generate(fixture.Prompt, new GenerationOptions { MaxNewTokens = 32, Temperature = tiny, Seed = 3 }).ToArray());
            Assert.Equal(fixture.Greedy, generator.Generate(fixture.Prompt, new GenerationOptions { MaxNewTokens = 32, Temperature = tiny, TopK = 5, Seed = 3 }).ToArray());
        }
        // A tiny nucleus keeps only the most likely token: greedy again.
        int[] tinyNucleus = [.. generator.Generate(fixture.Prompt, new GenerationOptions { MaxNewTokens = 32, TopP = 1e-6f, Seed = 3 })];
        Assert.Equal(fixture.Greedy, tinyNucleus);
    }

    [Fact]
    public void SampledTokenFrequenciesFollowTheSoftmax()
    {
        // Logits ln(1), ln(2), ln(3), ln(4): p = 0.1, 0.2, 0.3, 0.4; with top-k 3 the first drops out (2/9, 3/9, 4/9).
        var sampler = new TokenSampler(4);
        var random = new ParameterKit.Parameters.Initializers.SeededRandom(5);
        var counts = new int[4];
        var topK = new int[4];
        const int draws = 20000;
        for (int i = 0; i < draws; i++)
        {
            float[] logits = [MathF.Log(1), MathF.Log(2), MathF.Log(3), MathF.Log(4)];
            counts[sampler.Sample(logits, new GenerationOptions(), ref random)]++;
            logits = [MathF.Log(1), MathF.Log(2), MathF.Log(3), MathF.Log(4)];
            topK[sampler.Sample(logits, new GenerationOptions { TopK = 3 }, ref random)]++;
        }
        for (int j = 0; j < 4; j++)
        {
            Assert.InRange(counts[j] / (double)draws, (j + 1) / 10.0 - 0.015, (j + 1) / 10.0 + 0.015);
        }
        Assert.Equal(0, topK[0]);
        Assert.InRange(topK[3] / (double)draws, 4 / 9.0 - 0.015, 4 / 9.0 + 0.015);
    }

    [Fact]
    public void StopTokensEndGenerationAndAreNotReturned()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        int stop = fixture.Greedy[5];
        int expected = Array.IndexOf(fixture.Greedy, stop);
        int[] ids = [.. generator.Generate(fixture.Prompt, GenerationOptions.Greedy(32) with { StopTokens = [stop] })];
        Assert.Equal(fixture.Greedy.Take(expected), ids);
    }

    [Fact]
    public void CachedGenerationAllocatesNothingOnceWarm()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[2]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var destination = new int[32];
        var greedy = GenerationOptions.Greedy(32);
        var sampled = new GenerationOptions { MaxNewTokens = 32, TopK = 10, TopP = 0.9f, Seed = 1 };
        generator.Generate(fixture.Prompt, destination, greedy);
        generator.Generate(fixture.Prompt, destination, sampled);
        long before = GC.GetAllocatedBytesForCurrentThread();
        generator.Generate(fixture.Prompt, destination, greedy);
        generator.Generate(fixture.Prompt, destination, sampled);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void GenerationStopsAtTheEndOfTheContext()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[0]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var destination = new int[200];
        int produced = generator.Generate(fixture.Prompt, destination, GenerationOptions.Greedy(200));
        Assert.Equal(64 - fixture.Prompt.Length, produced);
    }

    [Fact]
    public async Task StreamingYieldsTheDecodedTextOfTheGeneratedTokens()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var generator = new TextGenerator(Gpt2Model.Load(fixture.Folder));
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
        // Byte-level tokens below 101 are single characters ("5" is 20), so the small fixture vocabulary can encode it.
        const string prompt = "5";
        Assert.All(tokenizer.EncodeToIds(prompt), id => Assert.InRange(id, 0, 100));
        var options = new GenerationOptions { MaxNewTokens = 20, Temperature = 0.8f, Seed = 11 };
        var pieces = new List<string>();
        await foreach (string piece in generator.StreamAsync(tokenizer, prompt, options))
        {
            pieces.Add(piece);
        }
        int[] ids = [.. generator.Generate([.. tokenizer.EncodeToIds(prompt)], options)];
        Assert.Equal(tokenizer.Decode(ids), string.Concat(pieces));
        Assert.NotEmpty(pieces);
    }
}
