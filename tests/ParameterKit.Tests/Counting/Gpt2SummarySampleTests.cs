using Gpt2Summary;

namespace ParameterKit.Tests.Counting;

/// <summary>The Gpt2Summary sample's command line: the conventions of the <c>parameterkit</c> tool.</summary>
public sealed class Gpt2SummarySampleTests
{
    private static Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Gpt2SummaryApp.Run(args, output, error);
        return Task.FromResult((code, output.ToString(), error.ToString()));
    }

    [Fact]
    public async Task HelpPrintsHelpAndExits0()
    {
        // `dotnet run --project samples/Gpt2Summary -- --help` passes just "--help", once taken for an architecture.
        var (code, output, error) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("USAGE:", output, StringComparison.Ordinal);
        Assert.Contains("[architecture]", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task TheDefaultIsGpt2AtDepth2()
    {
        var (code, output, _) = await RunAsync();
        Assert.Equal(0, code);
        Assert.Contains("Total params: 124,439,808", output, StringComparison.Ordinal);
        Assert.Contains("classifier: 8,707 parameters", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt5", "unknown architecture 'gpt5'")]
    [InlineData("gpt2 1 --bogus", "Unknown option 'bogus'")]
    [InlineData("gpt2 1 --verbos", "Did you mean --verbose?")]
    [InlineData("gpt2 two", "two")]
    [InlineData("gpt2 1 extra", "Could not match 'extra'")]
    [InlineData("\u001b[2Jgpt\u202e", "\\x1b[2Jgpt\\u202e")]
    public async Task BadUsageExits2WithOneEscapedLine(string commandLine, string expected)
    {
        var (code, output, error) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("Gpt2Summary: error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', error);
    }
}
