namespace ParameterKit.Cli.Tests;

/// <summary>The tool as a real process: exit codes, stdout and stderr exactly as a shell sees them.</summary>
public sealed class ProcessTests
{
    [Fact]
    public void Count_gpt3_as_a_process()
    {
        CliResult result = CliRunner.RunProcess("count", "--config", "gpt3-175b");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("174,604,259,328", result.Output, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Rejected_file_as_a_process_prints_json_and_exits_2()
    {
        CliResult result = CliRunner.RunProcess("inspect", "--json", Corpus.PathOf("x_misaligned_f4_odd.safetensors"));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("MisalignedSlice", result.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void Missing_file_as_a_process_is_one_line_on_stderr_and_exit_1()
    {
        CliResult result = CliRunner.RunProcess("inspect", "/no/such/model.safetensors");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal("parameterkit: error: no such file or folder: '/no/such/model.safetensors'", result.Error.TrimEnd());
    }
}
