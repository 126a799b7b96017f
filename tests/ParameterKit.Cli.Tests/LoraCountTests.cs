namespace ParameterKit.Cli.Tests;

/// <summary>
/// <c>count --lora-rank R --lora-targets ...</c>: adapters declared beside a known model, counted without allocating,
/// split trainable and frozen by kind, and PEFT's <c>print_trainable_parameters()</c> line.
/// </summary>
public sealed class LoraCountTests
{
    [Fact]
    public void Gpt2_with_rank_8_on_c_attn_prints_pefts_line()
    {
        CliResult result = CliRunner.Run("count", "--config", "gpt2", "--lora-rank", "8", "--lora-targets", "c_attn");
        Assert.Equal(0, result.ExitCode);
        // PEFT's print_trainable_parameters() for GPT-2 small with LoraConfig(r=8, target_modules=["c_attn"]):
        // 12 blocks x (A 8 x 768 + B 2,304 x 8) = 294,912 of 124,439,808 + 294,912.
        Assert.Contains("trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364", result.Output, StringComparison.Ordinal);
        Assert.Contains("LoRA: r = 8 on c_attn (12 adapted layers; the base frozen)", result.Output, StringComparison.Ordinal);
        // The model's breakdown is unchanged by the adapters (it is what inspect prints for a checkpoint).
        Assert.Contains("Total parameters: 124,439,808", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_splits_every_kind_into_trainable_and_frozen()
    {
        var json = CliRunner.Run("count", "--json", "--config", "gpt2", "--lora-rank", "8", "--lora-targets", "c_attn").Json();
        Assert.Equal(294_912, json.GetProperty("trainable_parameters").GetInt64());
        Assert.Equal(124_439_808, json.GetProperty("frozen_parameters").GetInt64());
        Assert.Equal(124_734_720, json.GetProperty("all_parameters").GetInt64());
        Assert.Equal("trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364", json.GetProperty("trainable_line").GetString());
        var kinds = json.GetProperty("trainable_by_kind");
        Assert.Equal(294_912, kinds.GetProperty("adapter").GetProperty("trainable").GetInt64());
        Assert.Equal(0, kinds.GetProperty("adapter").GetProperty("frozen").GetInt64());
        Assert.Equal(0, kinds.GetProperty("weight").GetProperty("trainable").GetInt64());
        // GPT-2 small's weights: 12 x (768 x 2,304 + 768 x 768 + 2 x 768 x 3,072) = 84,934,656.
        Assert.Equal(84_934_656, kinds.GetProperty("weight").GetProperty("frozen").GetInt64());
        Assert.Equal(8, json.GetProperty("lora").GetProperty("rank").GetInt32());
        Assert.Equal(12, json.GetProperty("lora").GetProperty("adapted_layers").GetInt32());
        // The model's own total is the same as without adapters.
        Assert.Equal(124_439_808, json.GetProperty("total_parameters").GetInt64());
    }

    [Fact]
    public void Llama_2_7b_with_rank_8_on_q_and_v_matches_peft()
    {
        CliResult result = CliRunner.Run("count", "--config", "llama-2-7b", "--lora-rank", "8", "--lora-targets", "q_proj,v_proj");
        Assert.Equal(0, result.ExitCode);
        // PEFT prints "trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.06220594176090199" here.
        Assert.Contains("trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_lora_json_counts_every_declared_value_trainable()
    {
        var json = CliRunner.Run("count", "--json", "--config", "gpt2").Json();
        Assert.Equal(124_439_808, json.GetProperty("trainable_parameters").GetInt64());
        Assert.Equal(0, json.GetProperty("frozen_parameters").GetInt64());
        Assert.False(json.TryGetProperty("lora", out _));
        Assert.DoesNotContain("trainable params:", CliRunner.Run("count", "--config", "gpt2").Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--lora-rank 8", "--lora-rank and --lora-targets go together")]
    [InlineData("--lora-targets c_attn", "--lora-rank and --lora-targets go together")]
    [InlineData("--lora-rank 0 --lora-targets c_attn", "--lora-rank must be at least 1")]
    [InlineData("--lora-rank 8 --lora-targets ,", "--lora-targets names no layer")]
    [InlineData("--lora-rank 8 --lora-targets q_proj", "'q_proj' matches no linear layer")]
    public void Bad_lora_options_exit_2_with_one_line(string options, string expected)
    {
        CliResult result = CliRunner.Run(["count", "--config", "gpt2", .. options.Split(' ')]);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_counts_a_peft_adapter_file_as_adapters_as_count_does()
    {
        // A PEFT adapter for GPT-2 small, r = 8 on c_attn, saved as PEFT saves it: count --lora-* says 294,912 adapter values.
        using var folder = new TempFolder();
        var store = ParameterKit.Models.Gpt2.Gpt2Config.Small.Declare();
        var lora = ParameterKit.Adapters.LoraAdapters.Declare(store, new ParameterKit.Adapters.LoraOptions { Rank = 8, TargetModules = ["c_attn"] });
        var writer = new ParameterKit.SafeTensors.SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var adapter in lora.Adapters)
        {
            string peft = $"base_model.model.transformer.{adapter.Target.Path}";
            writer.Add($"{peft}.lora_A.weight", new ParameterKit.Tensors.Shape(8, 768), new float[8 * 768]);
            writer.Add($"{peft}.lora_B.weight", new ParameterKit.Tensors.Shape(2304, 8), new float[2304 * 8]);
        }
        writer.Save(folder.File("adapter_model.safetensors"));

        var json = CliRunner.Run("inspect", "--json", folder.File("adapter_model.safetensors")).Json();
        Assert.Equal(294_912, json.GetProperty("by_kind").GetProperty("adapter").GetInt64());
        Assert.Equal(0, json.GetProperty("by_kind").GetProperty("weight").GetInt64());
        // Every other file reads as before: no adapter row or field.
        Assert.False(CliRunner.Run("count", "--json", "--config", "gpt2").Json().GetProperty("by_kind").TryGetProperty("adapter", out _));
    }
}
