using System.Text.Json;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// The same GGUF file in ParameterKit and in llama.cpp: the logits llama.cpp computed at every position of a 12-token
/// prompt, one token per decode with a float32 KV cache (Fixtures/gguf/make_llamacpp_logits.py, llama.cpp c392e50), against
/// ParameterKit's, token by token through the cache. Two files: gpt2_c32.q8_0.gguf with its Q8_0 matrices used in place,
/// and gpt2_c32.f32.gguf in float32. Two llama.cpp builds: stock, and the exact-GELU build
/// (benchmarks/llama.cpp/build_exact_gelu.sh), which differs from stock in one define only.
/// </summary>
/// <remarks>
/// <para>
/// Stock llama.cpp evaluates GELU by rounding its input to f16 and reading the output from an f16 table, a rounding of
/// about 1e-3 relative that is llama.cpp's and not the model's; with that define removed its CPU back end computes
/// GELU in float32, as ParameterKit does. Against that build the two agree to float32 summation-order noise: issue #20's
/// bound, 1e-3 absolute, with room to spare (measured below).
/// </para>
/// <para>
/// Against stock llama.cpp the table's rounding is what remains: small in float32, and amplified with Q8_0 weights, where
/// each rounded GELU output is then quantized to 8 bits again before the next product, so a rounding that crosses a
/// quantization step moves a whole step. The bounds there hold that size, and every position's choice must agree.
/// </para>
/// <para>
/// They can fail: GELU's cubic coefficient changed from 0.044715 to 0.0448 moves the Q8_0 logits by 0.11 against the
/// exact-GELU build and 0.20 against stock, and both Q8_0 cases fail (float32 moves by 2.5e-4).
/// </para>
/// </remarks>
public sealed class GgufLlamaCppLogitsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Against the exact-GELU build: within 1e-3 absolute (#20's bound) on both files.</summary>
    [Theory]
    [InlineData("q8_0", 1e-3f)] // measured 9.5e-7 (largest logit 9.2)
    [InlineData("f32", 1e-3f)] // measured 7.4e-6 (largest logit 9.3)
    public void The_same_file_gives_llama_cpps_logits_within_1e_3_when_gelu_is_exact_in_both(string weights, float bound)
    {
        (float worst, float scale) = Compare(weights, "exact_gelu");
        Assert.True(worst <= bound, $"max |Δlogit| = {worst} (largest logit {scale}), bound {bound}");
    }

    /// <summary>Against stock llama.cpp: its f16 GELU table's rounding, bounded relative to the largest logit.</summary>
    [Theory]
    [InlineData("q8_0", 0.02f)] // measured 0.151, 1.6% of the largest logit
    [InlineData("f32", 1e-3f)] // measured 3.8e-3, 0.04% of the largest logit (so 1e-3 absolute would fail here)
    public void The_same_file_gives_stock_llama_cpps_logits_within_its_gelu_table_rounding(string weights, float relativeBound)
    {
        (float worst, float scale) = Compare(weights, "stock");
        Assert.True(worst <= relativeBound * scale, $"max |Δlogit| = {worst}, largest logit {scale}, bound {relativeBound} of it");
    }

    /// <summary>Runs the prompt through ParameterKit, asserts the same argmax at every position, returns the largest difference and logit.</summary>
    private (float Worst, float Scale) Compare(string weights, string build)
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(GgufFixtures.Folder, "llamacpp_logits.gpt2_c32.json")));
        JsonElement root = fixture.RootElement;
        int[] prompt = [.. root.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32())];
        float[][] expected = [.. root.GetProperty(weights).GetProperty(build).EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray())];
        Assert.Equal(prompt.Length, expected.Length);
        var options = new ModelLoadOptions { Quantization = weights == "q8_0" ? WeightQuantization.Q8_0 : WeightQuantization.None };
        using Gpt2Model model = Gpt2Model.LoadGguf(Path.Combine(GgufFixtures.Folder, $"gpt2_c32.{weights}.gguf"), options);

        KvCache cache = model.CreateCache();
        var logits = new float[model.Config.VocabSize];
        float worst = 0, scale = 0;
        for (int t = 0; t < prompt.Length; t++)
        {
            model.ForwardCached(prompt.AsSpan(t, 1), cache, logits);
            Assert.Equal(expected[t].Length, logits.Length);
            worst = Math.Max(worst, logits.Zip(expected[t]).Max(p => Math.Abs(p.First - p.Second)));
            scale = Math.Max(scale, expected[t].Max(MathF.Abs));
            Assert.Equal(Array.IndexOf(expected[t], expected[t].Max()), Array.IndexOf(logits, logits.Max()));
        }
        output.WriteLine($"{weights} against llama.cpp ({build}): max |Δlogit| = {worst}, max |logit| = {scale}");
        return (worst, scale);
    }
}
