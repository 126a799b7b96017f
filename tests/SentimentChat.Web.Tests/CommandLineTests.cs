using SentimentChat.Web.Hosting;
using Spectre.Console.Testing;

namespace SentimentChat.Web.Tests;

/// <summary>The command line is strict: help exits 0, a misspelt or bad option exits 2 before anything starts.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_options()
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        Assert.Equal(0, await WebChatCommandLine.RunAsync(["--help"], console, Bounded()));
        Assert.Contains("--llm-model", console.Output, StringComparison.Ordinal);
        Assert.Contains("--port", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--prot", "5000")]
    [InlineData("--port", "70000")]
    [InlineData("--llm", "localhost:11434")]
    [InlineData("--max-turns", "0")]
    public async Task A_bad_option_is_bad_usage(string option, string value)
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([option, value], console, Bounded()));
        Assert.NotEmpty(console.Output);
    }

    [Fact]
    public async Task A_missing_model_file_is_a_one_line_failure()
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.safetensors");
        Assert.Equal(1, await WebChatCommandLine.RunAsync(["--model", missing, "--port", "0"], console, Bounded()));
        Assert.Contains(Path.GetFileName(missing), console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--llm-model")]
    [InlineData("--llm", "http://localhost:11434/v1", "--api-key")]
    [InlineData("--llm", "http://localhost:11434/v1", "--llm-model", "--port", "0")]
    public async Task An_option_without_its_value_is_bad_usage(params string[] args)
    {
        // Spectre gave such an option its default command's internal name, and "__default_command" went to the
        // language model as the model name (or the API key).
        var console = new TestConsole();
        console.Profile.Width = 500;
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync(args, console, Bounded()));
        Assert.Contains("needs a value", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--llm-model", "mistral")]
    [InlineData("--api-key", "secret")]
    public async Task Language_model_settings_without_llm_are_bad_usage(string option, string value)
    {
        // They were ignored in silence: the page answered with templates while the operator expected a model.
        var console = new TestConsole();
        console.Profile.Width = 500;
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([option, value, "--port", "0"], console, Bounded()));
        Assert.Contains("need --llm", console.Output, StringComparison.Ordinal);
    }

    /// <summary>Should a bad command line ever start the server, it stops after 30 s (and the exit code 0 fails the test) instead of hanging the run.</summary>
    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
