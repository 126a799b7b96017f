using ParameterKit.CommandLine;
using Spectre.Console.Cli;
using Spectre.Console.Testing;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// The shared guard every ParameterKit command line runs under: an exception nobody expected prints one line
/// naming its type (exit 1), and its details only with <c>--verbose</c>; never a stack trace by default.
/// </summary>
public sealed class UnexpectedFailureTests
{
    private sealed class ExplodingCommand : Command<SharedJsonSettings>
    {
        public override int Execute(CommandContext context, SharedJsonSettings settings, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the flux capacitor is empty");
    }

    private sealed class SharedJsonSettings : SharedSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var console = new TestConsole();
        var error = new StringWriter();
        var options = new Dictionary<string, IReadOnlyList<string>> { [""] = OptionSuggestions.OptionsOf(typeof(SharedJsonSettings)) };
        int code = CommandLineApp.RunAsync(new CommandApp<ExplodingCommand>(), "demo", args, console, error, options, _ => { })
            .GetAwaiter().GetResult();
        return (code, console.Output, error.ToString());
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_with_its_kind_and_exit_1()
    {
        var (code, output, error) = Run();
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal("demo: error: unexpected InvalidOperationException: the flux capacitor is empty (run again with --verbose for details)\n", error);
    }

    [Fact]
    public void Verbose_adds_the_details()
    {
        var (code, _, error) = Run("--verbose");
        Assert.Equal(1, code);
        Assert.StartsWith("demo: error: unexpected InvalidOperationException: the flux capacitor is empty\n", error, StringComparison.Ordinal);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
        Assert.Contains(nameof(ExplodingCommand), error, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_json_the_kind_is_Unexpected()
    {
        var (code, _, error) = Run("--json");
        Assert.Equal(1, code);
        using var document = System.Text.Json.JsonDocument.Parse(error);
        Assert.Equal("Unexpected", document.RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void A_misspelt_option_of_the_default_command_gets_a_suggestion()
    {
        var (code, _, error) = Run("--verbos");
        Assert.Equal(2, code);
        Assert.Contains("Did you mean --verbose?", error, StringComparison.Ordinal);
    }
}
