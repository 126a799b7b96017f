using ParameterKit.Models.Llama;
using System.Text;
using ParameterKit.Models.Gpt2;
using ParameterKit.Cli.Configs;
using ParameterKit.Counting;
using ParameterKit.Counting.Architectures;

namespace ParameterKit.Cli.Tests;

/// <summary>Hugging Face config.json parsing: layouts, defaults, and errors that name the field.</summary>
public sealed class ConfigParserTests
{
    [Fact]
    public void Gpt2_small_config_counts_124_439_808()
    {
        ModelConfig model = Parse(Checkpoints.Gpt2Json(Gpt2Config.Small));
        Assert.Equal("gpt2", model.Family);
        Assert.Equal(124_439_808, model.Declare().Count().Total);
    }

    [Fact]
    public void Llama_2_7b_config_counts_like_the_built_in_name()
    {
        ModelConfig model = Parse(Checkpoints.LlamaJson(LlamaConfig.Llama2With7B));
        Assert.Equal(6_738_415_616, model.Declare().Count().Total);
    }

    [Fact]
    public void Mistral_7b_config_with_grouped_query_attention()
    {
        // mistralai/Mistral-7B-v0.1 config.json; 7,241,732,096 parameters as transformers reports.
        ModelConfig model = Parse("""
            {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 32768,
             "model_type": "mistral", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
             "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false,
             "torch_dtype": "bfloat16", "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000}
            """);
        Assert.Equal(7_241_732_096, model.Declare().Count().Total);
    }

    [Fact]
    public void Llama_family_configs_go_through_the_library_reader()
    {
        // mlp_bias adds gate/up/down biases (16 + 16 + 8), which the library's model declares; a Qwen2 config adds q/k/v biases.
        const string Base = "\"vocab_size\": 10, \"hidden_size\": 8, \"intermediate_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2";
        long plain = Parse("{" + Base + "}").Declare().Count().Total;
        Assert.Equal(40, Parse("{" + Base + """, "mlp_bias": true}""").Declare().Count().Total - plain);
        Assert.Equal(24, Parse("{" + Base + """, "model_type": "qwen2"}""").Declare().Count().Total - plain);
    }

    [Fact]
    public void Layout_is_inferred_without_model_type()
    {
        Assert.Equal("gpt2", Parse("""{"vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2}""").Family);
        Assert.Equal("llama", Parse("""{"vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2}""").Family);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_experts": 8}""", "unknown field 'n_experts'")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_head": 2}""", "missing required field 'n_layer'")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": "10", "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2}""", "'vocab_size' must be an integer, not \"10\"")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 3}""", "'n_embd' 8 is not a multiple of 'n_head' 3")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_inner": 64}""", "'n_inner' 64 is not 4 x n_embd")]
    [InlineData("""{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "hidden_act": "gelu"}""", "hidden_act 'gelu' is not supported")]
    [InlineData("""{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "rope_scaling": {"rope_type": "dynamic", "factor": 2.0}}""", "type 'dynamic' is not supported")]
    [InlineData("""{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 3}""", "not a positive multiple of 'num_key_value_heads' 3")]
    [InlineData("""{"model_type": "t5"}""", "model_type 't5' is not supported")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"vocab_size": 10,""", "not valid JSON")]
    public void Invalid_config_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<CliException>(() => Parse(json));
        Assert.Equal("InvalidConfig", error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("config.json: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_field_through_the_tool_is_exit_2_naming_the_field()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("config.json"), """{"model_type": "llama", "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "num_local_experts": 8}""");
        CliResult result = CliRunner.Run("count", "--config", folder.File("config.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown field 'num_local_experts'", result.Error, StringComparison.Ordinal);
        CliResult json = CliRunner.Run("count", "--json", "--config", folder.File("config.json"));
        Assert.Equal("InvalidConfig", json.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void A_config_too_large_to_count_is_an_error_not_a_crash()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("config.json"), """{"model_type": "llama", "vocab_size": 2000000000, "hidden_size": 2000000000, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2}""");
        CliResult result = CliRunner.Run("count", "--config", folder.File("config.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("parameterkit: error: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void An_untied_gpt2_config_counts_its_own_head()
    {
        ModelConfig model = Parse("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "tie_word_embeddings": false}""");
        ModelConfig tied = Parse("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2}""");
        Assert.Equal(10 * 8, model.Declare().Count().Total - tied.Declare().Count().Total);
        Assert.Contains(("tie_word_embeddings", "false"), model.Settings);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "activation_function": "relu"}""", "activation_function 'relu' is not supported")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "add_cross_attention": true}""", "'add_cross_attention' true is not supported")]
    [InlineData("""{"model_type": "gpt2", "vocab_size": 10, "n_positions": 4, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_ctx": 8}""", "'n_ctx' 8 differs from 'n_positions' 4")]
    public void Gpt2_settings_the_model_does_not_follow_are_refused_by_the_one_reader(string json, string expected)
    {
        var error = Assert.Throws<CliException>(() => Parse(json));
        Assert.Equal("InvalidConfig", error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gpt2_config_with_invalid_utf8_or_a_lone_surrogate_is_a_typed_error()
    {
        byte[] invalid = [.. Encoding.UTF8.GetBytes("""{"model_type": "gpt2", "_name_or_path": " """), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];
        var error = Assert.Throws<CliException>(() => ConfigParser.Parse(invalid, "config.json"));
        Assert.Equal("InvalidConfig", error.Kind);
        var surrogate = Assert.Throws<CliException>(() => Parse("""{"n_embd": 8, "vocab_size": 10, "n_positions": 4, "n_layer": 1, "n_head": 2, "model_type": "gpt\ud800"}"""));
        Assert.Equal("InvalidConfig", surrogate.Kind);
    }

    private static ModelConfig Parse(string json) => ConfigParser.Parse(Encoding.UTF8.GetBytes(json), "config.json");
}
