using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// Counting a configuration declares the real <see cref="LlamaModel"/>: the counts are those transformers reports
/// (<c>model.num_parameters()</c>, a tied head once), and declaring allocates no values, even for Llama-3 70B.
/// </summary>
public sealed class LlamaDeclarationTests
{
    [Theory]
    [InlineData("smollm2-135m", 134_515_008L)]
    [InlineData("qwen2.5-0.5b", 494_032_768L)]
    [InlineData("tinyllama-1.1b", 1_100_048_384L)]
    [InlineData("llama-3.2-1b", 1_235_814_400L)]
    [InlineData("mistral-7b-v0.1", 7_241_732_096L)]
    [InlineData("llama-3-8b", 8_030_261_248L)]
    [InlineData("llama-3-70b", 70_553_706_496L)]
    [InlineData("llama-2-7b", 6_738_415_616L)]
    // The rows below were computed by hand from each model's config.json, as embedding (+ untied head) + layers x (q, k, v,
    // o with Qwen2's q/k/v biases + gate, up, down + two norms) + final norm; they agree with the sizes the model cards
    // state (8.03B, 70.6B, 3.21B, 362M, 1.71B, 7.62B). Llama-3.1 keeps Llama-3's shapes: only its rope scaling is new.
    [InlineData("llama-3.1-8b", 8_030_261_248L)]
    [InlineData("llama-3.1-70b", 70_553_706_496L)]
    [InlineData("llama-3.2-3b", 3_212_749_824L)]
    [InlineData("smollm2-360m", 361_821_120L)]
    [InlineData("smollm2-1.7b", 1_711_376_384L)]
    [InlineData("qwen2.5-7b", 7_615_616_512L)]
    public void Known_names_count_exactly(string name, long expected)
    {
        Assert.True(KnownArchitectures.TryDeclare(name, out ParameterStore? store));
        Assert.Equal(expected, store.Count().Total);
        Assert.False(store.IsMaterialized);
        Assert.Contains(store.Summary(depth: 3).Rows, r => r.Path == "model.layers.0" && r.TypeName == nameof(LlamaBlock));
    }

    [Theory]
    [InlineData("Llama3With70B")]
    [InlineData("Llama2With70B")]
    [InlineData("Mistral7B")]
    public void Declaring_allocates_no_values(string name)
    {
        LlamaConfig config = name switch
        {
            "Llama3With70B" => LlamaConfig.Llama3With70B,
            "Llama2With70B" => LlamaConfig.Llama2With70B,
            _ => LlamaConfig.Mistral7B,
        };
        _ = new LlamaConfig(11, 8, 6, 1, 2, 1).Declare(); // compiles the code paths, so the measurement is the declaration's alone

        long before = GC.GetAllocatedBytesForCurrentThread();
        ParameterStore store = config.Declare();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Names, shapes and module objects: a few hundred bytes per parameter. The bound is 4 MB, while Llama-3 70B's
        // values would take 282 GB and even one of its rotary tables or activation rows megabytes.
        Assert.True(allocated < 4 << 20, $"declaring {name} allocated {allocated:N0} bytes ({store.ElementCount * sizeof(float):N0} bytes of values)");
        Assert.False(store.IsMaterialized);
    }

    [Fact]
    public void Names_and_shapes_are_hugging_faces_with_grouped_query_attention()
    {
        ParameterStore store = LlamaConfig.Llama32With1B.Declare();
        Assert.Equal([2048, 2048], store["model.layers.0.self_attn.q_proj.weight"].Shape.Dimensions.ToArray());
        Assert.Equal([512, 2048], store["model.layers.15.self_attn.k_proj.weight"].Shape.Dimensions.ToArray());
        Assert.Equal([2048, 8192], store["model.layers.3.mlp.down_proj.weight"].Shape.Dimensions.ToArray());
        Assert.Equal(ParameterKind.NormGain, store["model.layers.0.post_attention_layernorm.weight"].Kind);
        Assert.Equal(ParameterKind.Embedding, store["model.embed_tokens.weight"].Kind);
        TiedName tied = Assert.Single(store.TiedNames);
        Assert.Equal("lm_head.weight", tied.Name);
        Assert.Equal("model.embed_tokens.weight", tied.Target.Name);
        Assert.Equal("model.norm.weight", store.Parameters[^1].Name);
    }

    [Fact]
    public void Qwen2_has_query_key_value_biases_and_no_output_bias()
    {
        ParameterStore store = LlamaConfig.Qwen25With05B.Declare();
        Assert.Equal([128], store["model.layers.0.self_attn.k_proj.bias"].Shape.Dimensions.ToArray());
        Assert.Equal(ParameterKind.Bias, store["model.layers.23.self_attn.q_proj.bias"].Kind);
        Assert.DoesNotContain(store.Parameters, p => p.Name.EndsWith("o_proj.bias", StringComparison.Ordinal) || p.Name.Contains("mlp", StringComparison.Ordinal) && p.Name.EndsWith(".bias", StringComparison.Ordinal));
        Assert.Equal(24L * (896 + 128 + 128), store.Count().Bias);
    }

    [Fact]
    public void Llama_attention_bias_and_mlp_bias_add_every_projection_bias()
    {
        var plain = new LlamaConfig(10, 8, 12, 1, 2, 1);
        long withBiases = (plain with { AttentionBias = true, MlpBias = true }).Declare().Count().Total;
        // q 8 + k 4 + v 4 + o 8, gate 12 + up 12 + down 8.
        Assert.Equal(8 + 4 + 4 + 8 + 12 + 12 + 8, withBiases - plain.Declare().Count().Total);
    }

    [Fact]
    public void An_explicit_head_dim_sizes_the_projections()
    {
        ParameterStore store = new LlamaConfig(10, 24, 12, 1, 4, 2, HeadDim: 10).Declare();
        Assert.Equal([40, 24], store["model.layers.0.self_attn.q_proj.weight"].Shape.Dimensions.ToArray());
        Assert.Equal([20, 24], store["model.layers.0.self_attn.v_proj.weight"].Shape.Dimensions.ToArray());
        Assert.Equal([24, 40], store["model.layers.0.self_attn.o_proj.weight"].Shape.Dimensions.ToArray());
    }

    [Theory]
    [InlineData(6, 4, 0)]   // heads not a multiple of key/value heads
    [InlineData(4, 4, 3)]   // odd head width
    public void Impossible_shapes_are_refused_naming_the_model(int heads, int kvHeads, int headDim)
    {
        var error = Assert.Throws<ParameterKit.Tensors.InvalidShapeException>(() => new LlamaConfig(10, 24, 12, 1, heads, kvHeads, HeadDim: headDim).Declare());
        Assert.Equal("model", error.Path);
    }
}
