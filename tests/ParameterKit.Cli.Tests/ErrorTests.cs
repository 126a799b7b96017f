namespace ParameterKit.Cli.Tests;

/// <summary>Bad input of every kind: one clear line, exit 1 (failure) or 2 (bad usage, rejected input), and a JSON error on standard error with <c>--json</c>.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void Missing_file()
    {
        CliResult result = CliRunner.Run("inspect", "/nonexistent/model.safetensors");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("parameterkit: error: no such file or folder: '/nonexistent/model.safetensors'\n", result.Error);

        CliResult json = CliRunner.Run("inspect", "--json", "/nonexistent/model.safetensors");
        Assert.Equal(1, json.ExitCode);
        Assert.Equal("NotFound", json.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("cost")]
    public void A_model_name_where_a_path_goes_points_to_config(string command)
    {
        // "inspect gpt2" reads like it should work: the name is one count and cost know, given where a file goes.
        CliResult result = CliRunner.Run(command, "gpt2");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("parameterkit: error: no such file or folder: 'gpt2' ('gpt2' is a model name: count or cost it with --config gpt2)\n",
            result.Error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("missing.gguf")]
    [InlineData("missing.json")]
    [InlineData("missing.safetensors")]
    [InlineData("nope/")]
    public void A_missing_config_path_is_not_found_as_inspect_says_it(string path)
    {
        // Only a name ending in .json was "NotFound"; the others were "neither a config.json file nor a known model
        // name", exit 2, although count --config reads .gguf files and folders too.
        CliResult result = CliRunner.Run("count", "--config", path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"parameterkit: error: no such file or folder: '{path}'\n", result.Error.ReplaceLineEndings("\n"));
        Assert.Equal("NotFound", CliRunner.Run("count", "--json", "--config", path).ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void A_config_folder_says_what_it_lacks()
    {
        using var folder = new TempFolder();
        CliResult empty = CliRunner.Run("count", "--config", folder.Path);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("holds no config.json and no single .gguf file", empty.Error, StringComparison.Ordinal);

        File.WriteAllBytes(folder.File("a.gguf"), []);
        File.WriteAllBytes(folder.File("b.gguf"), []);
        CliResult two = CliRunner.Run("count", "--config", folder.Path);
        Assert.Equal(1, two.ExitCode);
        Assert.Contains("holds several GGUF files (a.gguf, b.gguf); name one", two.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_file_is_not_a_safetensors_file()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.txt"), "These are not the weights you are looking for.\n");
        CliResult result = CliRunner.Run("inspect", folder.File("notes.txt"));
        Assert.Equal(2, result.ExitCode);
        // The first 8 bytes read as a little-endian length far beyond 100 MB.
        Assert.Contains("header length is above the 100 MB limit (HeaderTooLarge", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void An_empty_folder_names_what_is_missing()
    {
        using var folder = new TempFolder();
        CliResult result = CliRunner.Run("inspect", folder.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds no .safetensors file", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("frobnicate")]
    [InlineData("cost")]
    [InlineData("cost --params 7B --config gpt2")]
    [InlineData("cost --params lots")]
    [InlineData("cost --params 7B --pue 0.5")]
    [InlineData("inspect x --timeout 0")]
    public void Usage_errors_exit_2_with_one_line(string commandLine)
    {
        CliResult result = CliRunner.Run(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("parameterkit: error: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Help_exits_0()
    {
        CliResult result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (string command in new[] { "inspect", "count", "cost", "diff" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }
}
