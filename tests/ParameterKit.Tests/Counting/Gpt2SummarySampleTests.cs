using System.Text.RegularExpressions;
using Gpt2Summary;

namespace ParameterKit.Tests.Counting;

/// <summary>
/// The Gpt2Summary sample's command line: Spectre.Console.Cli with the conventions of the <c>parameterkit</c> tool
/// (strict parsing, suggestions, exit codes 0 / 1 / 2, one-line escaped errors). <c>.ci/aot-check.sh</c> runs the
/// same help, version and usage error on the NativeAOT binary.
/// </summary>
public sealed partial class Gpt2SummarySampleTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2SummaryApp.RunAsync(args, output, error);
        // No input a test tries may produce a stack trace (a line starting "   at ") unless --verbose asks for one.
        if (!args.Contains("--verbose"))
        {
            Assert.DoesNotMatch(StackFrame(), error.ToString());
        }
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"^\s+at \S+\.\S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("gpt2 --help")]
    public async Task HelpPrintsHelpAndExits0(string commandLine)
    {
        // `dotnet run --project samples/Gpt2Summary -- --help` passes just "--help", once taken for an architecture.
        var (code, output, error) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(0, code);
        Assert.Contains("USAGE:", output, StringComparison.Ordinal);
        Assert.Contains("[architecture]", output, StringComparison.Ordinal);
        Assert.Contains("--verbose", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task HelpNamesEveryKnownArchitecture()
    {
        // The argument's description is a constant written by hand; it had stopped at llama-2-70b.
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        string help = string.Join(" ", output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.All(ParameterKit.Counting.Architectures.KnownArchitectures.Names, name => Assert.Contains(name, help, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        var (code, output, error) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
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
    [InlineData("llama3-8b", "unknown architecture 'llama3-8b'. Did you mean 'llama-3-8b'?")]
    [InlineData("gpt2 1 --bogus", "Unknown option 'bogus'")]
    [InlineData("gpt2 1 --verbos", "Did you mean --verbose?")]
    [InlineData("gpt2 two", "[depth] must be a whole number, 0 or more, not 'two'")]   // Spectre's "'two' is not a valid value." named no argument
    [InlineData("gpt2 99999999999", "[depth] must be a whole number, 0 or more, not '99999999999'")]
    [InlineData("gpt2 -1", "[depth] must be a whole number, 0 or more, not '-1'")]
    [InlineData("gpt2 1 extra", "Unexpected argument 'extra'.")]   // was "Unknown command 'extra'. Commands: ." 
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
