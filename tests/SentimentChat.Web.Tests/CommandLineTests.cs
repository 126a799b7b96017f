using System.Net;
using System.Net.Sockets;
using SentimentChat.Model;
using SentimentChat.Web.Hosting;
using Spectre.Console.Testing;

namespace SentimentChat.Web.Tests;

/// <summary>The command line is strict: help exits 0, a misspelt or bad option exits 2 before anything starts.</summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class CommandLineTests(TrainedClassifierFixture model)
{
    [Fact]
    public async Task Help_lists_the_options()
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        Assert.Equal(0, await WebChatCommandLine.RunAsync(["--help"], console, cancellationToken: Bounded()));
        Assert.Contains("--llm-model", console.Output, StringComparison.Ordinal);
        Assert.Contains("--port", console.Output, StringComparison.Ordinal);
        // What the customer sees when the language model misbehaves is stated where the operator chooses one.
        Assert.Contains("could not answer just now", console.Output, StringComparison.Ordinal);
        // The reply limits are options, and the help shows the values the server starts with.
        foreach (string option in new[] { "--llm-timeout", "--max-history-characters", "--max-reply-tokens", "--max-reply-characters", "--max-reply-seconds" })
        {
            Assert.Contains(option, console.Output, StringComparison.Ordinal);
        }
        Assert.Matches(@"--max-reply-characters <N>\s+[^\n]*\b4000\b", console.Output);
    }

    [Fact]
    public async Task The_reply_limits_reach_the_options_and_need_llm()
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        string[] limits = ["--llm-timeout", "90", "--max-reply-tokens", "64", "--max-reply-characters", "300", "--max-reply-seconds", "10", "--max-history-characters", "2000"];
        var error = new StringWriter();
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([.. limits, "--port", "0"], console, error, Bounded()));
        Assert.Contains("need --llm", error.ToString(), StringComparison.Ordinal);

        var settings = new WebChatCommandLine.ServeCommand.Settings
        {
            Llm = "http://localhost:11434/v1", LlmTimeoutSeconds = 90, MaxReplyTokens = 64, MaxReplyCharacters = 300, MaxReplySeconds = 10, MaxHistoryCharacters = 2000,
            MaxCharacters = 1, MaxTurns = 1, IdleMinutes = 1,
        };
        Assert.True(settings.Validate().Successful);
        var options = settings.ToOptions();
        Assert.Equal((TimeSpan.FromSeconds(90), 64, 300, TimeSpan.FromSeconds(10), 2000),
            (options.LlmTimeout, options.MaxReplyTokens, options.MaxReplyCharacters, options.MaxReplyTime, options.MaxHistoryCharacters));
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync(["--llm", "http://localhost:11434/v1", "--max-reply-seconds", "0"], console, error, Bounded()));
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
        var error = new StringWriter();
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([option, value], console, error, Bounded()));
        // One line on standard error, as the tool and the other samples write it, whatever the terminal's width.
        Assert.StartsWith("SentimentChat.Web: error: ", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
        Assert.Empty(console.Output);
    }

    [Theory]
    [InlineData("--port", "abc", "--port takes a whole number up to 2147483647, not 'abc'.")]
    [InlineData("--llm-timeout", "1e9", "--llm-timeout takes a whole number up to 2147483647, not '1e9'.")]
    [InlineData("--max-turn", "5", "Did you mean --max-turns?")]
    public async Task A_bad_option_is_named_with_what_it_takes(string option, string value, string expected)
    {
        // Spectre's own words were "Failed to convert 'abc' to Int32.", naming no option.
        var console = new TestConsole();
        console.Profile.Width = 500;
        var error = new StringWriter();
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([option, value], console, error, Bounded()));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_file_is_a_one_line_failure()
    {
        var console = new TestConsole();
        console.Profile.Width = 500;
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.safetensors");
        var error = new StringWriter();
        Assert.Equal(1, await WebChatCommandLine.RunAsync(["--model", missing, "--port", "0"], console, error, Bounded()));
        Assert.Contains(Path.GetFileName(missing), error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
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
        var error = new StringWriter();
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync(args, console, error, Bounded()));
        Assert.Contains("needs a value", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--llm-model", "mistral")]
    [InlineData("--api-key", "secret")]
    public async Task Language_model_settings_without_llm_are_bad_usage(string option, string value)
    {
        // They were ignored in silence: the page answered with templates while the operator expected a model.
        var console = new TestConsole();
        console.Profile.Width = 500;
        var error = new StringWriter();
        Assert.Equal(WebChatCommandLine.BadUsage, await WebChatCommandLine.RunAsync([option, value, "--port", "0"], console, error, Bounded()));
        Assert.Contains("need --llm", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_a_one_line_failure()
    {
        // Kestrel's IOException used to escape unhandled: a stack trace and exit code 134.
        string path = Path.Combine(Path.GetTempPath(), $"sentimentchat-web-{Guid.NewGuid():N}.safetensors");
        ModelFile.Save(path, model.Classifier.Model, new Dictionary<string, string>());
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var console = new TestConsole();
            console.Profile.Width = 500;
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var error = new StringWriter();
            Assert.Equal(1, await WebChatCommandLine.RunAsync(["--model", path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], console, error, Bounded()));
            string output = error.ToString().Trim();
            Assert.Contains("address already in use", output, StringComparison.Ordinal);
            Assert.Contains("--port", output, StringComparison.Ordinal);
            Assert.Single(output.Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_port_is_bound_before_the_model_is_loaded_or_trained()
    {
        // Before: the classifier was loaded (on a first run, trained for a minute) and only then was the port found taken.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var console = new TestConsole();
        var error = new StringWriter();
        string missing = Path.Combine(Path.GetTempPath(), $"sentimentchat-web-missing-{Guid.NewGuid():N}.safetensors");
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        int exit = await WebChatCommandLine.RunAsync(["--model", missing, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], console, error, Bounded());

        Assert.Equal(1, exit);
        Assert.Contains("address already in use", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("No model at", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Should a bad command line ever start the server, it stops after 30 s (and the exit code 0 fails the test) instead of hanging the run.</summary>
    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
