using ParameterKit.Models;
using ParameterKit.Models.Gpt2;
using ParameterKit.Parameters;

namespace ParameterKit.Tests.Models;

/// <summary>
/// A config.json is refused for what it declares before the model is declared, where declaring would cost what the
/// 300 bytes of the config ask for (a million layers took 7.6 GB before the first name was compared with the weights).
/// </summary>
public sealed class ConfigBoundsTests
{
    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "gpt2", "c24_h3_l2");

    private static TempFolder WithConfig(string config)
    {
        var folder = new TempFolder();
        File.Copy(Path.Combine(Fixture, "model.safetensors"), folder.File("model.safetensors"));
        File.WriteAllText(folder.File("config.json"), config);
        return folder;
    }

    [Fact]
    public void More_layers_than_the_checkpoint_has_tensors_are_refused_before_declaring_them()
    {
        using TempFolder folder = WithConfig("""{"model_type": "gpt2", "n_layer": 5000, "n_head": 1, "n_embd": 8, "vocab_size": 50, "n_positions": 16}""");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(folder.Path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the refusal allocated more than 16 MB");
        Assert.Contains("'n_layer' is 5,000 layers", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);

        // Past any published depth, refused by the config alone (count and cost declare the model without weights).
        File.WriteAllText(folder.File("config.json"), """{"model_type": "gpt2", "n_layer": 20000000, "n_head": 1, "n_embd": 8, "vocab_size": 50, "n_positions": 16}""");
        Assert.Contains("'n_layer' 20,000,000 is past 10,000 layers", Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Read(folder.File("config.json"))).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_layer_count_in_a_config_built_in_code_is_a_shape_error_naming_the_setting()
    {
        var gpt2 = Assert.Throws<ParameterKit.Tensors.InvalidShapeException>(() => Gpt2Model.Create(new Gpt2Config(13, 8, 12, -1, 3), seed: 1));
        Assert.Contains("n_layer -1 must not be negative", gpt2.Message, StringComparison.Ordinal);
        var llama = Assert.Throws<ParameterKit.Tensors.InvalidShapeException>(() => ParameterKit.Models.Llama.LlamaModel.Create(
            new ParameterKit.Models.Llama.LlamaConfig(13, 12, 20, -2, 6, 2), seed: 1));
        Assert.Contains("num_hidden_layers -2 must not be negative", llama.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Widths_whose_products_pass_32_bits_are_refused_by_setting()
    {
        using TempFolder gpt2 = WithConfig("""{"model_type": "gpt2", "n_layer": 1, "n_head": 1, "n_embd": 1073741824, "vocab_size": 50, "n_positions": 16}""");
        Assert.Contains("'n_embd' 1073741824 is past", Assert.Throws<ModelConfigException>(() => Gpt2Model.Load(gpt2.Path)).Message, StringComparison.Ordinal);

        using TempFolder llama = WithConfig("""{"model_type": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 8, "head_dim": 536870914, "vocab_size": 50}""");
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(llama.Path));
        Assert.Equal("head_dim", e.Setting);
    }

    [Fact]
    public void A_matrix_past_one_array_is_refused_before_allocating_in_every_storage()
    {
        // 2^28 tokens x 32 channels: 8.6e9 float32 values, 9.1e9 bytes as Q8_0, 17 GB as BF16.
        var store = new ParameterStore();
        store.Scope("wte").Embedding(268435456, 32);
        Assert.Contains("8,589,934,592 values", Assert.Throws<InvalidOperationException>(() => store.Materialize(seed: 1)).Message, StringComparison.Ordinal);
        Assert.Contains("float32 values", Assert.Throws<InvalidOperationException>(() => store.MaterializeForLoading()).Message, StringComparison.Ordinal);
        var q8 = Assert.Throws<InvalidOperationException>(() => store.MaterializeForQuantizedInference(null));
        Assert.Contains("'wte.weight' [268435456, 32] takes 9,126,805,504 bytes as Q8_0", q8.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_total_passes_64_bits_is_a_config_error_naming_the_parameter()
    {
        // Found by the coverage-guided fuzzer: every matrix fits 64 bits, their sum does not, and the store's checked
        // addition threw a bare OverflowException.
        using TempFolder folder = WithConfig("""{"model_type": "llama", "hidden_size": 2147483520, "intermediate_size": 2147483640, "num_hidden_layers": 4, "num_attention_heads": 16, "vocab_size": 50}""");
        var e = Assert.Throws<ModelConfigException>(() => CausalLanguageModel.Load(folder.Path));
        Assert.Contains("declaring it takes the store past 9,223,372,036,854,775,807 values", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(folder.File("config.json"), e.Message, StringComparison.Ordinal);

        var store = new ParameterStore();
        store.Scope("a").Weight(int.MaxValue, int.MaxValue);
        store.Scope("b").Weight(int.MaxValue, int.MaxValue);
        var shape = Assert.Throws<ParameterKit.Tensors.InvalidShapeException>(() => store.Scope("c").Weight(int.MaxValue, int.MaxValue));
        Assert.Contains("'c.weight'", shape.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2", "n_layer": 2, "n_head": 3, "n_embd": 24, "vocab_size": 268435456, "n_positions": 16}""")]   // past one array
    [InlineData("""{"model_type": "gpt2", "n_layer": 2, "n_head": 4, "n_embd": 4096, "vocab_size": 50, "n_positions": 16}""")]         // 1.6 GB of float32
    public void A_config_declaring_more_values_than_the_checkpoint_holds_is_refused_before_allocating(string config)
    {
        // Before: the float32 store was allocated first (gigabytes for a config of a few hundred bytes beside a
        // checkpoint of kilobytes), or an untyped InvalidOperationException past one array, then the shapes compared.
        using TempFolder folder = WithConfig(config);
        foreach (ModelLoadOptions options in new[] { ModelLoadOptions.Default, new ModelLoadOptions { WeightType = ParameterKit.Tensors.DType.BF16 }, new ModelLoadOptions { Quantization = WeightQuantization.Q8_0 } })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<ModelConfigException>(() => Gpt2Model.Load(folder.Path, options));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the refusal allocated more than 16 MB");
            Assert.Contains("the settings declare a model of", e.Message, StringComparison.Ordinal);
            Assert.Contains("model.safetensors' holds", e.Message, StringComparison.Ordinal);
            Assert.StartsWith(folder.File("config.json"), e.Message, StringComparison.Ordinal);
        }
    }
}
