using System.Text;
using ParameterKit.Counting;
using ParameterKit.Models;
using ParameterKit.Models.Llama;

namespace ParameterKit.Tests.Models.Llama;

/// <summary>
/// The one Llama-family config reader: the Hub's published configs read to the built-in configurations (and so count
/// exactly), and every setting that would change the math and is not followed is refused, naming it.
/// </summary>
public sealed class LlamaConfigJsonTests
{
    public static TheoryData<string, string, long> HubConfigs => new()
    {
        { "smollm2-135m", nameof(LlamaConfig.SmolLM2With135M), 134_515_008L },
        { "qwen2.5-0.5b", nameof(LlamaConfig.Qwen25With05B), 494_032_768L },
        { "tinyllama-1.1b", nameof(LlamaConfig.TinyLlama), 1_100_048_384L },
        { "llama-3.2-1b", nameof(LlamaConfig.Llama32With1B), 1_235_814_400L },
        { "mistral-7b-v0.1", nameof(LlamaConfig.Mistral7B), 7_241_732_096L },
        { "llama-3-8b", nameof(LlamaConfig.Llama3With8B), 8_030_261_248L },
    };

    [Theory]
    [MemberData(nameof(HubConfigs))]
    public void Hub_configs_read_to_the_built_in_configuration_and_count_exactly(string file, string builtIn, long count)
    {
        LlamaConfig config = LlamaConfigJson.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "llama", "hub-configs", file + ".json"));
        LlamaConfig expected = (LlamaConfig)typeof(LlamaConfig).GetProperty(builtIn)!.GetValue(null)!;
        Assert.Equal(expected, config);
        Assert.Equal(count, config.Declare().Count().Total);
    }

    [Fact]
    public void Llama3_rope_scaling_is_read_with_its_four_settings()
    {
        LlamaConfig config = LlamaConfigJson.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "llama", "hub-configs", "llama-3.2-1b.json"));
        Assert.Equal(new LlamaRopeScaling(LlamaRopeScalingKind.Llama3, 32, 1, 4, 8192), config.RopeScaling);
        Assert.Equal(500000, config.RopeTheta);
        Assert.Equal(131072, config.ContextLength);
    }

    [Fact]
    public void A_sliding_window_shorter_than_the_positions_caps_the_context()
    {
        LlamaConfig mistral = Parse("""{"model_type": "mistral", "max_position_embeddings": 32768, "sliding_window": 4096}""");
        Assert.Equal(4096, mistral.ContextLength);
        // MistralConfig's default window applies when the key is absent; null switches it off.
        Assert.Equal(4096, Parse("""{"model_type": "mistral", "max_position_embeddings": 32768}""").ContextLength);
        Assert.Equal(32768, Parse("""{"model_type": "mistral", "max_position_embeddings": 32768, "sliding_window": null}""").ContextLength);
        // Qwen2 applies its window only with use_sliding_window.
        Assert.Equal(32768, Parse("""{"model_type": "qwen2", "max_position_embeddings": 32768, "sliding_window": 4096, "use_sliding_window": false}""").ContextLength);
        Assert.Equal(4096, Parse("""{"model_type": "qwen2", "max_position_embeddings": 32768, "sliding_window": 4096, "use_sliding_window": true}""").ContextLength);
    }

    [Fact]
    public void Transformers_5_rope_parameters_are_read_like_rope_theta_and_rope_scaling()
    {
        LlamaConfig config = Parse("""{"max_position_embeddings": 64, "rope_parameters": {"rope_type": "linear", "factor": 2.0, "rope_theta": 20000.0}}""");
        Assert.Equal(20000, config.RopeTheta);
        Assert.Equal(new LlamaRopeScaling(LlamaRopeScalingKind.Linear, 2), config.RopeScaling);
        Assert.Null(Parse("""{"rope_parameters": {"rope_type": "default", "rope_theta": 10000.0}}""").RopeScaling);
    }

    [Fact]
    public void Qwen2_biases_come_from_the_model_type()
    {
        LlamaConfig qwen = Parse("""{"model_type": "qwen2"}""");
        Assert.True(qwen.QueryKeyValueBias);
        Assert.False(qwen.OutputBias);
        LlamaConfig llama = Parse("""{"model_type": "llama", "attention_bias": true}""");
        Assert.True(llama.QueryKeyValueBias);
        Assert.True(llama.OutputBias);
    }

    [Theory]
    [InlineData("\"rope_scaling\": {\"rope_type\": \"dynamic\", \"factor\": 2.0}", "rope_scaling", "'dynamic' is not supported")]
    [InlineData("\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32}", "rope_scaling", "'yarn' is not supported")]
    [InlineData("\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope_scaling", "needs 'low_freq_factor'")]
    [InlineData("\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 2.0, \"beta_fast\": 32}", "rope_scaling", "'rope_scaling.beta_fast'")]
    [InlineData("\"hidden_act\": \"gelu\"", "hidden_act", "hidden_act 'gelu' is not supported")]
    [InlineData("\"num_local_experts\": 8", "num_local_experts", "unknown field 'num_local_experts'")]
    [InlineData("\"quantization_config\": {\"bits\": 4}", "quantization_config", "unknown field 'quantization_config'")]
    [InlineData("\"num_key_value_heads\": 3", "num_key_value_heads", "not a positive multiple of 'num_key_value_heads' 3")]
    [InlineData("\"rope_interleaved\": true", "rope_interleaved", "'rope_interleaved' true is not supported")]
    [InlineData("\"num_attention_heads\": 3", "num_attention_heads", "'hidden_size' 8 is not a multiple of 'num_attention_heads' 3")]
    [InlineData("\"head_dim\": 5", "head_dim", "is odd")]
    [InlineData("\"rms_norm_eps\": \"1e-5\"", "rms_norm_eps", "'rms_norm_eps' must be a finite number")]
    [InlineData("\"model_type\": \"gpt2\"", "model_type", "model_type 'gpt2' is not a Llama-family type")]
    public void Unsupported_settings_are_refused_naming_them(string extra, string setting, string message)
    {
        var error = Assert.Throws<ModelConfigException>(() => Parse("{" + extra + "}"));
        Assert.Equal(setting, error.Setting);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.json: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attention_bias_on_qwen2_is_refused_because_transformers_ignores_it()
    {
        var error = Assert.Throws<ModelConfigException>(() => Parse("""{"model_type": "qwen2", "attention_bias": true}"""));
        Assert.Equal("attention_bias", error.Setting);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0xFF, 0x7D })]
    [InlineData(new byte[] { 0x5B, 0x5D })]
    [InlineData(new byte[] { 0x7B, 0x22 })]
    public void Bytes_that_are_not_a_json_object_are_a_typed_error(byte[] bytes)
    {
        var error = Assert.Throws<ModelConfigException>(() => LlamaConfigJson.Parse(bytes, "bad.json"));
        Assert.Null(error.Setting);
    }

    /// <summary>A minimal valid Llama config (V 10, C 8, I 16, 1 layer, 2 heads) with <paramref name="json"/>'s keys replacing or adding to it.</summary>
    private static LlamaConfig Parse(string json)
    {
        var settings = new Dictionary<string, string>
        {
            ["vocab_size"] = "10", ["hidden_size"] = "8", ["intermediate_size"] = "16", ["num_hidden_layers"] = "1", ["num_attention_heads"] = "2",
        };
        using var extra = System.Text.Json.JsonDocument.Parse(json);
        foreach (var property in extra.RootElement.EnumerateObject())
        {
            settings[property.Name] = property.Value.GetRawText();
        }
        string text = "{" + string.Join(", ", settings.Select(kv => $"\"{kv.Key}\": {kv.Value}")) + "}";
        return LlamaConfigJson.Parse(Encoding.UTF8.GetBytes(text), "test.json");
    }
}
