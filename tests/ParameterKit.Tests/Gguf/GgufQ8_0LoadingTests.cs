using ParameterKit.Models;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// A Llama-family GGUF (llama.cpp's converter, Fixtures/gguf/make_model_fixtures.py) loaded with Q8_0 weights: the
/// file's Q8_0 tensors are views of the map except the query and key projections, whose rows are put back in order in a
/// copy (the converter's rotary permutation), so the Q8_0-held model computes with exactly the values the float32 load
/// dequantizes from the same file; generation then matches float32 within a stated bound and greedily token for token.
/// </summary>
public sealed class GgufQ8_0LoadingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly ModelLoadOptions Q8 = new() { Quantization = WeightQuantization.Q8_0 };

    private static readonly int[] Prompt = [1, 5, 17, 42, 3, 88, 0, 64, 7, 33];

    private static string Fixture(string name) => Path.Combine(GgufFixtures.Folder, name);

    [Fact]
    public void Llama_q8_0_gguf_holds_the_files_blocks_and_generates_as_its_float32_load()
    {
        LlamaModel reference = LlamaModel.LoadGguf(Fixture("llama_mha.q8_0.gguf"));
        using LlamaModel quantized = LlamaModel.LoadGguf(Fixture("llama_mha.q8_0.gguf"), Q8);

        // The permuted projections are copies, the other Q8_0 matrices views; dequantized, every one is the float32 load's value.
        Assert.True(quantized.Store.MappedBytes > 0);
        foreach (Parameter parameter in quantized.Store.Parameters.Where(p => p.Quantized is not null))
        {
            var row = new float[parameter.Shape[1]];
            float[] expected = reference.Store[parameter.Name].Value.ToArray();
            for (int r = 0; r < parameter.Shape[0]; r++)
            {
                parameter.Quantized!.DequantizeRow(r, row);
                Assert.True(expected.AsSpan(r * row.Length, row.Length).SequenceEqual(row), $"{parameter.Name} row {r}");
            }
        }
        Assert.Contains(quantized.Store.Parameters, p => p.Name.EndsWith("q_proj.weight", StringComparison.Ordinal) && p.Quantized is { IsMapped: false });

        int v = reference.VocabularySize;
        float[] f = new float[v], q = new float[v];
        KvCache fc = reference.CreateCache(), qc = quantized.CreateCache();
        float worst = 0, scale = 0;
        for (int t = 0; t < Prompt.Length; t++)
        {
            reference.ForwardCached(Prompt.AsSpan(t, 1), fc, f);
            quantized.ForwardCached(Prompt.AsSpan(t, 1), qc, q);
            worst = Math.Max(worst, f.Zip(q).Max(p => Math.Abs(p.First - p.Second)));
            scale = Math.Max(scale, f.Max(MathF.Abs));
        }
        output.WriteLine($"max |Δlogit| = {worst}, max |logit| = {scale}");
        // Only the activations' 8-bit rounding separates the two (the weights are the same values): within 5% of the
        // largest logit, the bound of the Q8_0 tests (measured: 2.1%).
        Assert.True(worst <= 0.05f * scale, $"max |Δlogit| = {worst}, max |logit| = {scale}");

        var expectedTokens = new int[16];
        var actualTokens = new int[16];
        var greedy = new GenerationOptions { Temperature = 0, MaxNewTokens = 16 };
        int n = new TextGenerator(reference).Generate(Prompt, expectedTokens, greedy);
        Assert.Equal(n, new TextGenerator(quantized).Generate(Prompt, actualTokens, greedy));
        Assert.Equal(expectedTokens, actualTokens);
    }
}
