using ParameterKit.Models.Llama;
using System.Text.Json;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// The issue's central promise: <c>count --config config.json</c> equals <c>inspect</c> on a checkpoint of the
/// same architecture, in total, by kind and layer by layer. Checked on random small GPT-2 and Llama models.
/// </summary>
public sealed class CountMatchesInspectTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Gpt2_count_from_config_equals_inspect_of_checkpoint(int seed)
    {
        using var folder = new TempFolder();
        Gpt2Config config = Checkpoints.RandomGpt2(new Random(seed));
        File.WriteAllText(folder.File("config.json"), Checkpoints.Gpt2Json(config));
        Checkpoints.WriteGpt2(config, folder.File("model.safetensors"), (ulong)seed);

        JsonElement count = Ok(CliRunner.Run("count", "--config", folder.File("config.json"), "--json"));
        JsonElement inspect = Ok(CliRunner.Run("inspect", folder.Path, "--json"));

        AssertSameBreakdown(count, inspect);
        Assert.Equal(config.Declare().Parameters.Sum(p => p.ElementCount), inspect.GetProperty("total_parameters").GetInt64());
        // The masks are reported apart, and the tied head is inferred, not counted.
        Assert.Equal(config.Layers, inspect.GetProperty("buffers").GetArrayLength());
        JsonElement tied = Assert.Single(inspect.GetProperty("tied").EnumerateArray());
        Assert.Equal("wte.weight", tied.GetProperty("target").GetString());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Llama_count_from_config_equals_inspect_of_checkpoint(int seed)
    {
        using var folder = new TempFolder();
        LlamaConfig config = Checkpoints.RandomLlama(new Random(seed));
        File.WriteAllText(folder.File("config.json"), Checkpoints.LlamaJson(config));
        Checkpoints.WriteLlama(config, folder.File("model.safetensors"), (ulong)seed);

        JsonElement count = Ok(CliRunner.Run("count", "--config", folder.Path, "--json"));
        JsonElement inspect = Ok(CliRunner.Run("inspect", folder.File("model.safetensors"), "--json"));

        AssertSameBreakdown(count, inspect);
        Assert.Equal(config.TieEmbeddings ? 1 : 0, inspect.GetProperty("tied").GetArrayLength());
    }

    [Fact]
    public void Gpt2_small_folds_its_twelve_blocks_into_one_row()
    {
        CliResult result = CliRunner.Run("count", "--config", "gpt2");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("124,439,808", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"h\.0 \.\. h\.11\s*│\s*x 12\s*│\s*7,087,872\s*│\s*85,054,464", result.Output);
    }

    private static JsonElement Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}{result.Output}");
        return result.Json();
    }

    private static void AssertSameBreakdown(JsonElement count, JsonElement inspect)
    {
        Assert.Equal(count.GetProperty("total_parameters").GetInt64(), inspect.GetProperty("total_parameters").GetInt64());
        Assert.Equal(count.GetProperty("parameter_tensors").GetInt32(), inspect.GetProperty("parameter_tensors").GetInt32());
        foreach (JsonProperty kind in count.GetProperty("by_kind").EnumerateObject())
        {
            Assert.Equal(kind.Value.GetInt64(), inspect.GetProperty("by_kind").GetProperty(kind.Name).GetInt64());
        }
        Assert.Equal(Layers(count), Layers(inspect));
    }

    // Header order is the writer's (sorted), declaration order is the model's: compare rows as a set.
    private static List<string> Layers(JsonElement report) => [.. report.GetProperty("layers").EnumerateArray()
        .Select(l => $"{l.GetProperty("label").GetString()} x{l.GetProperty("repeats").GetInt32()} {l.GetProperty("each").GetInt64()}")
        .Order(StringComparer.Ordinal)];
}
