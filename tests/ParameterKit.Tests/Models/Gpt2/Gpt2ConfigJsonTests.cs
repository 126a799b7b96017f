using System.Text;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.Models.Gpt2;

/// <summary>The one GPT-2 config.json reader: strict, every refusal typed and naming its setting.</summary>
public sealed class Gpt2ConfigJsonTests
{
    private const string Base = "\"model_type\": \"gpt2\", \"vocab_size\": 10, \"n_positions\": 4, \"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2";

    [Theory]
    [InlineData("\"n_experts\": 8", "n_experts", "unknown field 'n_experts'")]
    [InlineData("\"activation_function\": \"gelu\"", "activation_function", "activation_function 'gelu' is not supported")]
    [InlineData("\"n_inner\": 64", "n_inner", "'n_inner' 64 is not 4 x n_embd (32)")]
    [InlineData("\"scale_attn_by_inverse_layer_idx\": true", "scale_attn_by_inverse_layer_idx", "is not supported")]
    [InlineData("\"scale_attn_weights\": false", "scale_attn_weights", "is not supported")]
    [InlineData("\"tie_word_embeddings\": 0", "tie_word_embeddings", "'tie_word_embeddings' must be true or false, not 0")]
    [InlineData("\"layer_norm_epsilon\": -1", "layer_norm_epsilon", "must lie in (0, 1)")]
    public void An_unknown_or_unsupported_setting_is_named(string extra, string setting, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse(Encoding.UTF8.GetBytes("{" + Base + ", " + extra + "}"), "x/config.json"));
        Assert.Equal(setting, e.Setting);
        Assert.Equal("x/config.json", e.Source);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("x/config.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Harmless_keys_and_nulls_are_accepted()
    {
        var config = Gpt2ConfigJson.Parse(Encoding.UTF8.GetBytes("{" + Base + """, "n_inner": null, "resid_pdrop": 0.1, "summary_type": "cls_index", "use_cache": true, "n_ctx": 4}"""));
        Assert.Equal(new ParameterKit.Models.Gpt2.Gpt2Config(10, 4, 8, 1, 2), config);
    }

    [Fact]
    public void The_hubs_gpt2_medium_and_distilgpt2_configs_are_read_unchanged()
    {
        // gpt2-medium's config.json as the Hub serves it (keys and values as transformers 4.12 dumps it): n_special and
        // predict_special_tokens, OpenAI GPT leftovers, were refused as unknown, so the README's "runs gpt2-medium
        // unchanged" did not hold. distilgpt2's carries _num_labels, from an older transformers.
        const string medium = """
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": 50256,
             "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02, "layer_norm_epsilon": 1e-05, "model_type": "gpt2",
             "n_ctx": 1024, "n_embd": 1024, "n_head": 16, "n_layer": 24, "n_positions": 1024, "n_special": 0,
             "predict_special_tokens": true, "resid_pdrop": 0.1, "summary_activation": null, "summary_first_dropout": 0.1,
             "summary_proj_to_labels": true, "summary_type": "cls_index", "summary_use_proj": true,
             "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}}, "vocab_size": 50257}
            """;
        Assert.Equal(ParameterKit.Models.Gpt2.Gpt2Config.Medium, Gpt2ConfigJson.Parse(Encoding.UTF8.GetBytes(medium)));
        const string distil = """
            {"_num_labels": 1, "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
             "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "id2label": {"0": "LABEL_0"}, "initializer_range": 0.02,
             "label2id": {"LABEL_0": 0}, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
             "n_layer": 6, "n_positions": 1024, "output_past": true, "resid_pdrop": 0.1, "summary_activation": null,
             "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index", "summary_use_proj": true,
             "vocab_size": 50257}
            """;
        Assert.Equal(6, Gpt2ConfigJson.Parse(Encoding.UTF8.GetBytes(distil)).Layers);
    }

    [Fact]
    public void Invalid_utf8_and_lone_surrogates_are_typed_errors_not_crashes()
    {
        byte[] invalid = [.. Encoding.UTF8.GetBytes("{" + Base + ", \"_name_or_path\": \""), 0xFF, .. "\"}"u8];
        Assert.Null(Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse(invalid)).Setting);
        var surrogate = Assert.Throws<ModelConfigException>(() => Gpt2ConfigJson.Parse(Encoding.UTF8.GetBytes("{\"vocab_size\": 10, \"n_positions\": 4, \"n_embd\": 8, \"n_layer\": 1, \"n_head\": 2, \"model_type\": \"gpt\\ud800\"}")));
        Assert.Contains("invalid string", surrogate.Message, StringComparison.Ordinal);
    }
}
