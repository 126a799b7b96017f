using System.Text.Json;
using System.Text.RegularExpressions;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// The command line itself: help that renders, strict parsing with suggestions, <c>--version</c>, exit codes, JSON
/// errors on standard error, and machine-readable output that stays machine-readable.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("inspect --help")]
    [InlineData("count --help")]
    [InlineData("cost --help")]
    [InlineData("diff --help")]
    [InlineData("cost -h")]
    public void Help_renders_for_every_command(string commandLine)
    {
        // cost --help used to crash: its --utilization text held an unescaped markup bracket.
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("USAGE:", result.Output, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData("count --config gpt2 --jsn", "Unknown option 'jsn'", "--json")]
    [InlineData("cost --params 7B --utilisation 0.9", "Unknown option 'utilisation'", "--utilization")]
    [InlineData("inspect m.safetensors --bogus", "Unknown option 'bogus'", null)]
    [InlineData("inspect --bogus m.safetensors", "Unknown option 'bogus'", null)]
    [InlineData("diff a b --al", "Unknown option 'al'", "--all")]
    public void Unknown_options_are_errors_with_a_suggestion_for_a_misspelling(string commandLine, string complaint, string? suggestion)
    {
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.StartsWith("parameterkit: error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(complaint, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        if (suggestion is null)
        {
            Assert.DoesNotContain("Did you mean", result.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"Did you mean {suggestion}?", result.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("nonsense --help", "Unknown command 'nonsense'. Commands: cost, count, diff, inspect.")]
    [InlineData("inspct --help", "Unknown command 'inspct'. Did you mean 'inspect'?")]
    [InlineData("inspct m.safetensors", "Unknown command 'inspct'. Did you mean 'inspect'?")]
    [InlineData("counts --config gpt2", "Unknown command 'counts'. Did you mean 'count'?")]
    [InlineData("cuont --config gpt2", "Unknown command 'cuont'. Did you mean 'count'?")] // two letters swapped: one edit
    public void Unknown_commands_are_errors_even_with_help(string commandLine, string complaint)
    {
        // Spectre shows the root help for "nonsense --help" and exits 0: a typo must not look like success.
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal($"parameterkit: error: {complaint} (see parameterkit --help)\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("count gpt2", "gpt2")]
    [InlineData("count --config gpt2 extra", "extra")]
    [InlineData("count --config gpt2 -- extra", "extra")]
    [InlineData("count --config gpt2 -- --json", "--json")]
    public void A_word_after_a_command_without_arguments_is_named_as_one_too_many(string commandLine, string word)
    {
        // Spectre reports it as an unknown command, and the list of commands that followed sent the reader the wrong way.
        // After "--" the word is an argument whatever it looks like; Spectre used to set it aside unread.
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal($"parameterkit: error: Unexpected argument '{word}': 'count' takes options only. (see parameterkit count --help)\n",
            result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("count --config gpt2 --lora-rank abc --lora-targets c_attn", "count", "--lora-rank takes a whole number up to 2147483647, not 'abc'.")]
    [InlineData("count --config gpt2 --lora-rank 99999999999 --lora-targets c_attn", "count", "--lora-rank takes a whole number up to 2147483647, not '99999999999'.")]
    [InlineData("inspect x --timeout 1.5", "inspect", "--timeout takes a whole number up to 2147483647, not '1.5'.")]
    [InlineData("inspect x --timeout=1.5", "inspect", "--timeout takes a whole number up to 2147483647, not '1.5'.")]
    public void A_value_that_does_not_convert_is_named_with_its_option(string commandLine, string command, string complaint)
    {
        // Spectre says "Failed to convert 'abc' to Nullable`1.": a .NET type, and no option.
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"parameterkit: error: {complaint} (see parameterkit {command} --help)\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("cost --params 7B --accelerator", "cost", "--accelerator")]
    [InlineData("count --config", "count", "--config")]
    [InlineData("cost --params", "cost", "--params")]
    [InlineData("inspect gpt2/model.safetensors --timeout", "inspect", "--timeout")]
    [InlineData("cost --params 7B --accelerator --tokens 300B", "cost", "--accelerator")]
    [InlineData("count --config --verbose", "count", "--config")]
    [InlineData("cost --params 7B --accelerator -h", "cost", "--accelerator")]
    public void An_option_without_its_value_is_refused(string commandLine, string command, string option)
    {
        // Spectre filled it with the internal name of its default command: "accelerator __default_command", exit 0,
        // at the end of the line and also when another option followed (the JSON said "accelerator": "__default_command").
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal($"parameterkit: error: Option '{option}' needs a value (see parameterkit {command} --help)\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("count", "count", 0)]
    [InlineData("cuont", "count", 1)] // neighbours swapped
    [InlineData("josn", "json", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("ca", "abc", 3)] // a swap is only of neighbours, and a swapped pair is not edited again
    public void Edit_distance_counts_a_swap_of_neighbours_as_one_edit(string a, string b, int expected)
    {
        Assert.Equal(expected, ParameterKit.CommandLine.EditDistance.Distance(a, b));
        Assert.Equal(expected, ParameterKit.CommandLine.EditDistance.Distance(b, a));
    }

    [Fact]
    public void An_option_in_the_wrong_case_is_suggested_in_its_own()
    {
        CliResult result = CliRunner.Run("inspect", "--JSON", "model.safetensors");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean --json?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_under_json_are_a_json_document_on_standard_error()
    {
        CliResult result = CliRunner.Run("count", "--json", "--config", "gpt2", "--jsn");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        JsonElement error = result.ErrorJson().GetProperty("error");
        Assert.Equal("Usage", error.GetProperty("kind").GetString());
        Assert.Contains("--json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_package_version()
    {
        CliResult result = CliRunner.Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output.Trim());
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("1e19")]
    [InlineData("1.7e308")]
    public void Absurd_parameter_counts_are_rejected_not_written_as_infinity(string parameters)
    {
        CliResult result = CliRunner.Run("cost", "--json", "--params", parameters);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        JsonElement error = result.ErrorJson().GetProperty("error");
        Assert.Equal("InvalidInput", error.GetProperty("kind").GetString());
        Assert.Contains("--params", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_within_bounds_whose_product_overflows_are_rejected()
    {
        CliResult result = CliRunner.Run("cost", "--json", "--params", "1e18", "--tokens", "1e24", "--peak-flops", "1e-300");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("InvalidInput", result.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void A_count_whose_bits_pass_64_bits_but_bytes_do_not_is_printed_whole()
    {
        // 432,000,078,168,000,000 parameters: x 32 bits overflows a long, x 4 bytes does not.
        using var folder = new TempFolder();
        string config = folder.File("config.json");
        File.WriteAllText(config, """{"model_type":"gpt2","n_layer":1000,"n_head":1,"n_embd":6000000,"vocab_size":10,"n_positions":16}""");
        CliResult json = CliRunner.Run("count", "--json", "--config", config);
        Assert.True(json.ExitCode == 0, json.Error);
        long total = json.Json().GetProperty("total_parameters").GetInt64();
        Assert.Equal(432_000_078_168_000_000L, total);
        Assert.Equal(4 * total, json.Json().GetProperty("memory_bytes").GetProperty("F32").GetInt64());
        Assert.Equal(total / 2, json.Json().GetProperty("memory_bytes").GetProperty("F4").GetInt64());

        // Ten times the layers: the float32 bytes themselves pass 2^63, and nothing is printed before the error.
        File.WriteAllText(config, """{"model_type":"gpt2","n_layer":10000,"n_head":1,"n_embd":6000000,"vocab_size":10,"n_positions":16}""");
        CliResult text = CliRunner.Run("count", "--config", config);
        Assert.Equal(2, text.ExitCode);
        Assert.Equal("", text.Output);
        Assert.Contains("overflow", text.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_given_what_is_not_a_config_says_what_it_is()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("w", new Shape(2), new float[] { 1, 2 });
        writer.Save(folder.File("model.safetensors"));
        File.WriteAllText(folder.File("empty.json"), "");

        CliResult checkpoint = CliRunner.Run("count", "--config", folder.File("model.safetensors"));
        Assert.Equal(2, checkpoint.ExitCode);
        Assert.Contains("is a safetensors checkpoint, not a config", checkpoint.Error, StringComparison.Ordinal);   // was "not valid UTF-8"
        CliResult empty = CliRunner.Run("count", "--config", folder.File("empty.json"));
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("is empty, or not a regular file", empty.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_json_keys_are_snake_case_identifiers()
    {
        CliResult result = CliRunner.Run("cost", "--json", "--params", "7B");
        Assert.Equal(0, result.ExitCode);
        var keys = new List<string>();
        Collect(result.Json(), keys);
        Assert.Contains("weights_bf16", keys);
        Assert.Contains("adam_second_moment_f32", keys);
        Assert.All(keys, key => Assert.Matches("^[a-z][a-z0-9_]*$", key));
        Assert.Equal(7e9 * 16, result.Json().GetProperty("training_bytes").GetProperty("total").GetDouble());
    }

    [Fact]
    public void Diff_compares_metadata()
    {
        using var folder = new TempFolder();
        var a = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt", ["step"] = "100", ["gone"] = "x" });
        a.Add("w", new Shape(2), new float[] { 1, 2 });
        a.Save(folder.File("a.safetensors"));
        var b = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt", ["step"] = "200", ["new"] = "y" });
        b.Add("w", new Shape(2), new float[] { 1, 2 });
        b.Save(folder.File("b.safetensors"));

        CliResult json = CliRunner.Run("diff", "--json", folder.File("a.safetensors"), folder.File("b.safetensors"));
        Assert.True(json.ExitCode == 0, json.Error);
        var metadata = json.Json().GetProperty("metadata").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!);
        Assert.Equal("unchanged", metadata["format"].GetProperty("status").GetString());
        Assert.Equal("changed", metadata["step"].GetProperty("status").GetString());
        Assert.Equal("100", metadata["step"].GetProperty("a").GetString());
        Assert.Equal("200", metadata["step"].GetProperty("b").GetString());
        Assert.Equal("removed", metadata["gone"].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, metadata["new"].GetProperty("a").ValueKind);

        CliResult table = CliRunner.Run("diff", folder.File("a.safetensors"), folder.File("b.safetensors"));
        Assert.Contains("changed   step: '100' -> '200'", table.Output, StringComparison.Ordinal);
        Assert.Contains("added     new: 'y'", table.Output, StringComparison.Ordinal);
        Assert.Contains("removed   gone: 'x'", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Redirected_output_is_not_wrapped_at_80_columns()
    {
        using var folder = new TempFolder();
        string deep = Path.Combine(folder.Path, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(deep);
        string file = Path.Combine(deep, "model.safetensors");
        var writer = new SafeTensorsWriter();
        writer.Add(new string('n', 120) + ".weight", new Shape(2), new float[] { 1, 2 });
        writer.Save(file);

        // A real process, its output a pipe: what a script or `> file` sees.
        CliResult result = CliRunner.RunProcess("inspect", "--tensors", file);
        Assert.True(result.ExitCode == 0, result.Error);
        string[] lines = result.Output.Split('\n');
        Assert.Equal(file, lines[0]);
        Assert.Contains(lines, line => line.Contains(new string('n', 120) + ".weight", StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", result.Output, StringComparison.Ordinal);
        Assert.All(lines, line => Assert.False(line.EndsWith(' '), $"trailing spaces: '{line}'"));

        CliResult help = CliRunner.RunProcess("cost", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.All(help.Output.Split('\n'), line => Assert.True(line.Length < 300, $"padded line of {line.Length} characters"));
    }

    private static void Collect(JsonElement element, List<string> keys)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                keys.Add(property.Name);
                Collect(property.Value, keys);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Collect(item, keys);
            }
        }
    }
}
