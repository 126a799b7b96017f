namespace ParameterKit.Cli.Tests;

/// <summary>The README's numbers, and the GPT-3 compute figure its paper published.</summary>
public sealed class KnownModelTests
{
    [Theory]
    [InlineData("gpt2", "124,439,808")]
    [InlineData("gpt3-175b", "174,604,259,328")]
    [InlineData("llama-2-7b", "6,738,415,616")]
    [InlineData("LLAMA-2-70B", "68,976,648,192")]
    [InlineData("smollm2-135m", "134,515,008")]
    [InlineData("qwen2.5-0.5b", "494,032,768")]
    [InlineData("tinyllama-1.1b", "1,100,048,384")]
    [InlineData("llama-3.2-1b", "1,235,814,400")]
    [InlineData("mistral-7b-v0.1", "7,241,732,096")]
    [InlineData("llama-3-8b", "8,030,261,248")]
    [InlineData("llama-3-70b", "70,553,706,496")]
    [InlineData("llama-3.1-8b", "8,030,261,248")]
    [InlineData("llama-3.1-70b", "70,553,706,496")]
    [InlineData("llama-3.2-3b", "3,212,749,824")]
    [InlineData("smollm2-360m", "361,821,120")]
    [InlineData("smollm2-1.7b", "1,711,376,384")]
    [InlineData("qwen2.5-7b", "7,615,616,512")]
    public void Count_of_a_known_name(string name, string total)
    {
        CliResult result = CliRunner.Run("count", "--config", name);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Total parameters: {total}", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama3-8b", "; did you mean 'llama-3-8b'? (known: ")]
    [InlineData("gpt-2", "; did you mean 'gpt2'? (known: ")]
    [InlineData("nonexistent-model", " (known: ")]
    public void A_misspelt_model_name_gets_the_nearest_known_one(string name, string expected)
    {
        CliResult result = CliRunner.Run("count", "--config", name);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"parameterkit: error: '{name}' is neither a config.json file nor a known model name{expected}", result.Error, StringComparison.Ordinal);
        Assert.Contains("llama-3-8b", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Gpt3_on_300_billion_tokens_costs_the_published_3_14e23_flops()
    {
        CliResult result = CliRunner.Run("cost", "--config", "gpt3-175b", "--tokens", "300B", "--json");
        Assert.Equal(0, result.ExitCode);
        double flops = result.Json().GetProperty("training_flops").GetDouble();
        // Brown et al. 2020, table D.1: 3.14e23 FLOPs for GPT-3 175B.
        Assert.InRange(flops, 3.135e23, 3.145e23);
        Assert.Contains("3.14e23 FLOPs", CliRunner.Run("cost", "--config", "gpt3-175b", "--tokens", "300e9").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_library_name_has_its_settings_and_the_same_count()
    {
        foreach (string name in ParameterKit.Counting.Architectures.KnownArchitectures.Names)
        {
            Assert.NotNull(Configs.KnownConfigs.Find(name));
            Configs.ModelConfig model = Configs.ConfigParser.Resolve(name);
            Assert.NotEmpty(model.Settings);
            Assert.True(ParameterKit.Counting.Architectures.KnownArchitectures.TryDeclare(name, out var store));
            Assert.Equal(ParameterKit.Counting.ParameterCounter.Count(store).Total, ParameterKit.Counting.ParameterCounter.Count(model.Declare()).Total);
        }
        Assert.Equal(ParameterKit.Counting.Architectures.KnownArchitectures.Names.Order(), Configs.KnownConfigs.Names.Order());
    }

    [Fact]
    public void Count_json_gives_settings_their_json_types()
    {
        var config = CliRunner.Run("count", "--json", "--config", "llama-2-70b").Json().GetProperty("config");
        Assert.Equal(8, config.GetProperty("num_key_value_heads").GetInt32());
        Assert.False(config.GetProperty("tie_word_embeddings").GetBoolean());
    }

    [Fact]
    public void Count_json_of_qwen2_names_its_model_type_and_tied_head()
    {
        var json = CliRunner.Run("count", "--json", "--config", "qwen2.5-0.5b").Json();
        Assert.Equal("qwen2", json.GetProperty("config").GetProperty("model_type").GetString());
        Assert.Equal("model.embed_tokens.weight", json.GetProperty("tied")[0].GetProperty("target").GetString());
    }

    [Fact]
    public void Unknown_name_is_a_one_line_error()
    {
        CliResult result = CliRunner.Run("count", "--config", "gpt5");
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Contains("gpt3-175b", result.Error, StringComparison.Ordinal);
    }
}
