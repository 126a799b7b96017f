using System.Text.Json;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// The same GGUF file (gpt2_c32.q8_0.gguf, written by llama.cpp's converter) in ParameterKit and in llama.cpp: the logits
/// llama.cpp computed for every prefix of a 12-token prompt (Fixtures/gguf/make_llamacpp_logits.py, llama.cpp c392e50,
/// float32 KV cache) against ParameterKit's, token by token through the cache, with the file's Q8_0 matrices in place
/// and dequantized to float32.
/// </summary>
/// <remarks>
/// Measured: Q8_0 within 0.15 of llama.cpp's logits (1.6% of the largest, 9.2; 0.49 before the position embeddings
/// stayed float32, as llama.cpp keeps them), float32 within 0.24 (2.6%: llama.cpp quantizes the activations of its Q8_0
/// products, the float32 model does not); the argmax agrees at all 12 positions, with llama.cpp's top-two margins from
/// 0.13 to 1.6. Issue #20 asks for 1e-3, which this does not reach: llama.cpp still rounds where ParameterKit does not
/// (GELU read from an f16 table, among others), so the two differ by the size of those roundings. The bounds below hold
/// that size (2% and 3% of the largest logit) and the agreement of every choice.
/// </remarks>
public sealed class GgufLlamaCppLogitsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(WeightQuantization.Q8_0, 0.02f)]
    [InlineData(WeightQuantization.None, 0.03f)]
    public void The_same_file_gives_llama_cpps_logits_within_its_roundings_and_the_same_choices(WeightQuantization quantization, float bound)
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(GgufFixtures.Folder, "llamacpp_logits.gpt2_c32.q8_0.json")));
        int[] prompt = [.. fixture.RootElement.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32())];
        float[][] expected = [.. fixture.RootElement.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray())];
        using Gpt2Model model = Gpt2Model.LoadGguf(Path.Combine(GgufFixtures.Folder, "gpt2_c32.q8_0.gguf"), new ModelLoadOptions { Quantization = quantization });

        KvCache cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        float worst = 0, scale = 0;
        for (int t = 0; t < prompt.Length; t++)
        {
            model.ForwardCached(prompt.AsSpan(t, 1), cache, logits);
            worst = Math.Max(worst, logits.Zip(expected[t]).Max(p => Math.Abs(p.First - p.Second)));
            scale = Math.Max(scale, expected[t].Max(MathF.Abs));
            Assert.Equal(Array.IndexOf(expected[t], expected[t].Max()), Array.IndexOf(logits, logits.Max()));
        }
        output.WriteLine($"{quantization}: max |Δlogit| against llama.cpp = {worst}, max |logit| = {scale}");
        Assert.True(worst <= bound * scale, $"max |Δlogit| = {worst}, max |logit| = {scale}");
    }
}
