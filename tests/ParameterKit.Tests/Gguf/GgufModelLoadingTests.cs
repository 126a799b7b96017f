using ParameterKit.Gguf;
using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// GGUF files written by llama.cpp's own converter from the project's GPT-2 and Llama fixtures
/// (Fixtures/gguf/make_model_fixtures.py) load into the same declarations as the safetensors originals: float32 files
/// give bit-identical parameters (so the names map one to one, GPT-2's transposes need nothing and Llama's Q/K row
/// permutation is undone exactly), Q8_0 files give logits within a stated bound of float32's.
/// </summary>
public sealed class GgufModelLoadingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(GgufFixtures.Folder, name);

    private static string Folder(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    private static readonly int[] Prompt = [1, 5, 17, 42, 3, 88, 0, 64, 7, 33];

    private static float[] Logits(ICausalLanguageModel model)
    {
        var logits = new float[Prompt.Length * model.VocabularySize];
        model.Forward(Prompt, 1, Prompt.Length, logits);
        return logits;
    }

    [Fact]
    public void Gpt2_float32_gguf_holds_exactly_the_safetensors_weights()
    {
        Gpt2Model fromGguf = Gpt2Model.LoadGguf(Fixture("gpt2_c32.f32.gguf"));
        Gpt2Model fromSafeTensors = Gpt2Model.Load(Folder("gpt2/c32_h4_l3"));
        Assert.Equal(fromSafeTensors.Config, fromGguf.Config);
        Assert.Equal(fromSafeTensors.Store.Parameters.Select(p => p.Name), fromGguf.Store.Parameters.Select(p => p.Name));
        Assert.True(fromSafeTensors.Store.Values.SequenceEqual(fromGguf.Store.Values));
        Assert.Equal(Logits(fromSafeTensors), Logits(fromGguf));
    }

    [Fact]
    public void Llama_float32_gguf_holds_exactly_the_safetensors_weights_after_undoing_the_rotary_permutation()
    {
        LlamaModel fromGguf = LlamaModel.LoadGguf(Fixture("llama_mha.f32.gguf"));
        LlamaModel fromSafeTensors = LlamaModel.Load(Folder("llama/mha"));
        Assert.Equal(fromSafeTensors.Config, fromGguf.Config);
        foreach (var p in fromSafeTensors.Store.Parameters)
        {
            Assert.True(p.Value.SequenceEqual(fromGguf.Store[p.Name].Value), $"{p.Name} differs");
        }
        Assert.Equal(Logits(fromSafeTensors), Logits(fromGguf));
        Assert.True(fromGguf.LoadReport!.IsComplete);
    }

    /// <summary>
    /// Llama 3.1-style rotary scaling (<c>rope_scaling</c> llama3: factor 8, original context 16 in this fixture) reaches
    /// GGUF as the converter's <c>rope_freqs.weight</c>, one divisor per rotated pair; dividing by them gives the
    /// Hub model's frequencies (computed another way, so to float32 rounding: within 1e-5 on the logits) over 40
    /// positions, most past the original context where the scaling acts. Without them the logits are far apart.
    /// (make_model_fixtures.py hands the converter the fixture's original context, which it reads from elsewhere.)
    /// </summary>
    [Fact]
    public void Llama3_rotary_scaling_is_read_from_rope_freqs_and_gives_the_hub_models_logits()
    {
        LlamaModel fromGguf = LlamaModel.LoadGguf(Fixture("llama_gqa_llama3.f32.gguf"));
        LlamaModel fromSafeTensors = LlamaModel.Load(Folder("llama/gqa_llama3"));

        LlamaRopeScaling scaling = fromGguf.Config.RopeScaling!;
        Assert.Equal(LlamaRopeScalingKind.FrequencyFactors, scaling.Kind);
        Assert.Equal(fromSafeTensors.Config.ResolvedHeadDim / 2, scaling.FrequencyFactors!.Count);
        Assert.Contains(LlamaGgufLayout.RopeFrequencyFactors, fromGguf.LoadReport!.Excluded);
        foreach (var p in fromSafeTensors.Store.Parameters)
        {
            Assert.True(p.Value.SequenceEqual(fromGguf.Store[p.Name].Value), $"{p.Name} differs");
        }

        int[] prompt = [.. Enumerable.Range(0, 40).Select(i => (i * 37 + 11) % fromGguf.VocabularySize)];
        float[] Logits(LlamaModel model)
        {
            var logits = new float[prompt.Length * model.VocabularySize];
            model.Forward(prompt, 1, prompt.Length, logits);
            return logits;
        }
        float[] expected = Logits(fromSafeTensors), actual = Logits(fromGguf);
        float worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"max |Δlogit| = {worst}, max |logit| = {expected.Max(MathF.Abs)}");
        Assert.True(worst <= 1e-5f, $"max |Δlogit| = {worst}");

        using LlamaModel unscaled = new(new ParameterKit.Parameters.ParameterStore().Root, fromGguf.Config with { RopeScaling = null });
        unscaled.Store.Materialize(0);
        foreach (var p in fromGguf.Store.Parameters)
        {
            p.Value.CopyTo(unscaled.Store[p.Name].Value);
        }
        Assert.True(expected.Zip(Logits(unscaled)).Max(p => Math.Abs(p.First - p.Second)) > 100 * 1e-5f, "the scaling must matter on these positions");
    }

    [Fact]
    public void Rotary_scaling_not_built_is_refused_by_key_and_misshapen_factors_by_tensor()
    {
        using var folder = new TempFolder();
        GgufBuilder Llama() => new GgufBuilder()
            .String("general.architecture", "llama")
            .UInt32("llama.context_length", 8).UInt32("llama.embedding_length", 16).UInt32("llama.block_count", 1)
            .UInt32("llama.feed_forward_length", 32).UInt32("llama.attention.head_count", 2)
            .KeyValue("llama.attention.layer_norm_rms_epsilon", 6, BitConverter.GetBytes(1e-5f))
            .Tensor("token_embd.weight", [16, 10]);

        string yarn = SafeTensors.RawFile.Write(folder.Path, "yarn.gguf", Llama().String("llama.rope.scaling.type", "yarn").Build());
        var e = Assert.Throws<ModelConfigException>(() => LlamaModel.LoadGguf(yarn));
        Assert.Contains("'yarn'", e.Message, StringComparison.Ordinal);

        // Heads of 8 channels rotate 4 pairs: 3 factors cannot be theirs.
        string misshapen = SafeTensors.RawFile.Write(folder.Path, "freqs.gguf", Llama().Tensor(LlamaGgufLayout.RopeFrequencyFactors, [3]).Build());
        e = Assert.Throws<ModelConfigException>(() => LlamaModel.LoadGguf(misshapen));
        Assert.Contains("F32 [3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected F32 [4]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama.attention.head_count", 4u, 0u, "'llama.attention.head_count' is 0; it must be a whole number from 1")]   // was DivideByZeroException
    [InlineData("llama.context_length", 4u, 0u, "'llama.context_length' is 0")]                                                 // loaded; failed at CreateCache
    [InlineData("llama.block_count", 4u, 5_000u, "'llama.block_count' is 5,000 blocks, and the file holds 1 tensors")]              // a million declared 6 GB first
    [InlineData("llama.block_count", 4u, 1_000_000u, "'llama.block_count' 1,000,000 is past 10,000 layers")]
    [InlineData("llama.attention.layer_norm_rms_epsilon", 6u, float.NaN, "must lie in (0, 1)")]                                // loaded; all logits NaN
    [InlineData("llama.rope.freq_base", 6u, -1f, "'llama.rope.freq_base' -1 must be a positive number")]                       // the same
    [InlineData("llama.attention.key_length", 4u, 1_073_741_826u, "pass 32 bits")]                                             // 2 heads x 2^30 + 2 wrap
    public void Settings_a_config_json_could_not_hold_are_refused_by_key(string key, uint type, object value, string says)
    {
        var settings = new Dictionary<string, (uint Type, byte[] Value)>
        {
            ["llama.context_length"] = (4, BitConverter.GetBytes(8u)),
            ["llama.embedding_length"] = (4, BitConverter.GetBytes(16u)),
            ["llama.block_count"] = (4, BitConverter.GetBytes(1u)),
            ["llama.feed_forward_length"] = (4, BitConverter.GetBytes(32u)),
            ["llama.attention.head_count"] = (4, BitConverter.GetBytes(2u)),
            ["llama.attention.layer_norm_rms_epsilon"] = (6, BitConverter.GetBytes(1e-5f)),
        };
        settings[key] = (type, value switch { uint u => BitConverter.GetBytes(u), float f => BitConverter.GetBytes(f), _ => throw new ArgumentException("a uint or a float", nameof(value)) });
        var builder = new GgufBuilder().String("general.architecture", "llama");
        foreach ((string name, (uint t, byte[] bytes)) in settings)
        {
            builder.KeyValue(name, t, bytes);
        }
        using var folder = new TempFolder();
        string path = SafeTensors.RawFile.Write(folder.Path, "settings.gguf", builder.Tensor("token_embd.weight", [16, 10]).Build());
        var e = Assert.Throws<ModelConfigException>(() => LlamaModel.LoadGguf(path));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_declaring_more_values_than_the_file_holds_are_refused_before_allocating()
    {
        // Found by the coverage-guided fuzzer: a few-kB file whose settings ask for 16,384 channels had its float32
        // model allocated (gigabytes) before its tensors' shapes were compared.
        var builder = new GgufBuilder().String("general.architecture", "llama")
            .UInt32("llama.context_length", 8).UInt32("llama.embedding_length", 16384).UInt32("llama.block_count", 1)
            .UInt32("llama.feed_forward_length", 32768).UInt32("llama.attention.head_count", 128)
            .KeyValue("llama.attention.layer_norm_rms_epsilon", 6, BitConverter.GetBytes(1e-5f));
        using var folder = new TempFolder();
        string path = SafeTensors.RawFile.Write(folder.Path, "wide.gguf", builder.Tensor("token_embd.weight", [16384, 10]).Build());
        foreach (ModelLoadOptions options in new[] { ModelLoadOptions.Default, new ModelLoadOptions { Quantization = WeightQuantization.Q8_0 } })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.LoadGguf(path, options));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the refusal allocated more than 16 MB");
            Assert.Contains("the settings declare a model of", e.Message, StringComparison.Ordinal);
            Assert.Contains("the file's tensors hold 163,840 in all", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("llama", new ulong[] { 160 })]
    [InlineData("llama", new ulong[0])]
    [InlineData("gpt2", new ulong[] { 16, 10, 1 })]
    public void A_token_embedding_that_is_not_a_matrix_is_refused_by_name(string architecture, ulong[] dimensions)
    {
        // Found by the coverage-guided fuzzer (docs/fuzzing.md): a rank-0 token_embd.weight made both GGUF layouts
        // read its row count past the end of its shape (IndexOutOfRangeException).
        string prefix = architecture + ".";
        var builder = new GgufBuilder().String("general.architecture", architecture)
            .UInt32(prefix + "context_length", 8).UInt32(prefix + "embedding_length", 16).UInt32(prefix + "block_count", 1)
            .UInt32(prefix + "feed_forward_length", 32).UInt32(prefix + "attention.head_count", 2)
            .KeyValue(prefix + "attention.layer_norm_epsilon", 6, BitConverter.GetBytes(1e-5f)).KeyValue(prefix + "attention.layer_norm_rms_epsilon", 6, BitConverter.GetBytes(1e-5f));
        using var folder = new TempFolder();
        string path = SafeTensors.RawFile.Write(folder.Path, "rank.gguf", builder.Tensor("token_embd.weight", dimensions).Build());
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.LoadGguf(path));
        Assert.Contains("'token_embd.weight' is [", e.Message, StringComparison.Ordinal);
        Assert.Contains("it must be a matrix of one row per token", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Q8_0 rounds each weight to the nearest of 255 steps of its block's largest magnitude, so each weight moves by at
    /// most half a step (0.2% of the block maximum); through a few layers of these random models that moves logits by
    /// a few percent of their range (measured, printed below). The bound asserted: 5% of the largest |logit|.
    /// </summary>
    [Theory]
    [InlineData("gpt2_c32", "gpt2/c32_h4_l3")]
    [InlineData("llama_mha", "llama/mha")]
    public void Q8_0_gguf_gives_logits_near_float32(string stem, string folder)
    {
        ICausalLanguageModel quantized = CausalLanguageModel.Load(Fixture(stem + ".q8_0.gguf"));
        ICausalLanguageModel reference = CausalLanguageModel.Load(Folder(folder));
        float[] q = Logits(quantized), f = Logits(reference);
        float worst = q.Zip(f, (a, b) => MathF.Abs(a - b)).Max();
        float scale = f.Max(MathF.Abs);
        output.WriteLine($"{stem}: max |Δlogit| = {worst}, max |logit| = {scale}, ratio {worst / scale:P2}");
        Assert.True(worst <= 0.05f * scale, $"max |Δlogit| = {worst}, max |logit| = {scale}");
        Assert.True(worst > 0f, "the quantized model must differ from float32, or the test compares the same weights");
    }

    [Fact]
    public void Q8_0_weights_are_gguf_py_dequantization_of_the_stored_blocks()
    {
        // Each parameter is exactly the file's tensor dequantized (no reshaping for GPT-2).
        using var file = GgufFile.Open(Fixture("gpt2_c32.q8_0.gguf"));
        Gpt2Model model = Gpt2Model.LoadGguf(Fixture("gpt2_c32.q8_0.gguf"));
        GgufTensorInfo qkv = file.GetTensor("blk.1.attn_qkv.weight");
        Assert.Equal(GgufTensorType.Q8_0, qkv.Type);
        Assert.Equal(file.ReadSingles(qkv.Name), model.Store["h.1.attn.c_attn.weight"].Value.ToArray());
    }

    [Fact]
    public void A_file_given_to_CausalLanguageModel_Load_is_read_as_gguf()
    {
        Assert.IsType<Gpt2Model>(CausalLanguageModel.Load(Fixture("gpt2_c32.f32.gguf")));
        Assert.IsType<LlamaModel>(CausalLanguageModel.Load(Fixture("llama_mha.q8_0.gguf")));
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(GgufFixtures.Types));
        Assert.Contains("fixture", e.Message); // the architecture the file names
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_tensors_are_all_listed()
    {
        byte[] bytes = new GgufBuilder()
            .String("general.architecture", "gpt2")
            .UInt32("gpt2.context_length", 8).UInt32("gpt2.embedding_length", 32).UInt32("gpt2.block_count", 1)
            .UInt32("gpt2.attention.head_count", 4).KeyValue("gpt2.attention.layer_norm_epsilon", 6, BitConverter.GetBytes(1e-5f))
            .Tensor("token_embd.weight", [32, 10])
            .Tensor("position_embd.weight", [32, 9])
            .Tensor("blk.0.extra.weight", [4])
            .Build();
        using var folder = new TempFolder();
        string path = SafeTensors.RawFile.Write(folder.Path, "partial.gguf", bytes);
        var e = Assert.Throws<CheckpointLoadException>(() => Gpt2Model.LoadGguf(path));
        Assert.Contains("blk.0.extra.weight", e.Report.Unexpected);
        Assert.Contains("h.0.attn.c_attn.weight", e.Report.Missing);
        CheckpointMismatch position = Assert.Single(e.Report.Mismatched);
        Assert.Equal(("wpe.weight", "position_embd.weight"), (position.Parameter, position.Tensor));
        Assert.Contains("[9, 32]", position.ToString());
        Assert.Contains("[8, 32]", position.ToString());
    }

    [Fact]
    public void Unpermuting_undoes_the_converters_permutation()
    {
        // convert_hf_to_gguf.py's LlamaModel.permute: reshape (heads, 2, d/2, C), swap axes 1 and 2, reshape back.
        const int heads = 3, d = 8, width = 5;
        float[] original = [.. Enumerable.Range(0, heads * d * width).Select(i => (float)i)];
        var permuted = new float[original.Length];
        for (int h = 0; h < heads; h++)
        {
            for (int j = 0; j < 2; j++)
            {
                for (int i = 0; i < d / 2; i++)
                {
                    original.AsSpan((h * d + j * (d / 2) + i) * width, width).CopyTo(permuted.AsSpan((h * d + i * 2 + j) * width, width));
                }
            }
        }
        Assert.NotEqual(original, permuted);
        GgufStoreLoading.UnpermuteRotaryRows(permuted, heads * d, heads);
        Assert.Equal(original, permuted);
    }
}
