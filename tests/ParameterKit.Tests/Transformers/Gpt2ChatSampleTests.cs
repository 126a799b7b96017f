using System.Text.Json;
using Gpt2Chat;

namespace ParameterKit.Tests.Transformers;

/// <summary>The Gpt2Chat sample, run non-interactively on a fixture checkpoint.</summary>
public sealed class Gpt2ChatSampleTests
{
    [Fact]
    public async Task LogitsModePrintsTheLastPositionsLogitsAsJson()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[2]);
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", fixture.Folder, "--tokens", string.Join(",", fixture.Prompt), "--json"], TextReader.Null, output, TextWriter.Null);
        Assert.Equal(0, code);
        float[] logits = [.. JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(e => e.GetSingle())];
        Gpt2ParityTests.AssertClose(fixture.Logits[^1], logits, "sample logits");
    }

    [Fact]
    public async Task ChatModeStreamsAReplyToEachMessageLine()
    {
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--max-tokens", "8", "--seed", "3", "--system", "Be brief."],
            new StringReader("Hello there\nAnd again\n"), output, TextWriter.Null);
        Assert.Equal(0, code);
        string text = output.ToString();
        Assert.Contains("you> Hello there\nbot>", text, StringComparison.Ordinal);
        Assert.Contains("you> And again\nbot>", text, StringComparison.Ordinal);
        Assert.EndsWith("you> ", text, StringComparison.Ordinal);   // the empty line (end of input) quits
    }

    [Fact]
    public async Task AChatReplyIsReproducibleFromItsSeed()
    {
        async Task<string> ReplyAsync(string seed)
        {
            var output = new StringWriter();
            Assert.Equal(0, await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--prompt", "Hi", "--max-tokens", "10", "--seed", seed], TextReader.Null, output, TextWriter.Null));
            return output.ToString();
        }
        string first = await ReplyAsync("4");
        Assert.StartsWith("Hi\nbot>", first, StringComparison.Ordinal);
        Assert.Equal(first, await ReplyAsync("4"));
        Assert.NotEqual(first, await ReplyAsync("5"));
    }

    [Fact]
    public async Task AMissingFolderIsReportedNotThrown()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", "/nonexistent/gpt2", "--tokens", "1", "--json"], TextReader.Null, output, error);
        Assert.Equal(1, code);
        Assert.Equal("", output.ToString());
        using var json = JsonDocument.Parse(error.ToString());
        Assert.Equal("NotFound", json.RootElement.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("config.json", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help", "logits")]
    [InlineData("--help", "chat")]
    [InlineData("chat --help", "--model")]
    [InlineData("logits --help", "--tokens")]
    public async Task HelpExits0AndListsTheCommandsAndOptions(string commandLine, string listed)
    {
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(commandLine.Split(' '), TextReader.Null, output, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Contains("USAGE:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(listed, output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat --model some/folder --max-tokns 5", "Did you mean --max-tokens?")]
    [InlineData("chat --prompt hi", "chat needs --model")]
    [InlineData("logits --model m --tokens 1 --jsn", "Did you mean --json?")]
    [InlineData("logits --model m", "logits needs --tokens")]
    public async Task BadUsageExits2WithOneLine(string commandLine, string expected)
    {
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries), TextReader.Null, TextWriter.Null, error);
        Assert.Equal(2, code);
        Assert.StartsWith("Gpt2Chat: error: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task NoArgumentsPrintsHelpAndExits2()
    {
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync([], TextReader.Null, output, TextWriter.Null);
        Assert.Equal(2, code);
        Assert.Contains("USAGE:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorAfterAPartLineStartsOnItsOwnLine()
    {
        // The message is echoed and the reply begun, then the sampler refuses the temperature: the error must not trail "bot>".
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--prompt", "Hello", "--temperature", "-1"], TextReader.Null, output, error);
        Assert.Equal(2, code);
        Assert.Equal("Hello\nbot>\n", output.ToString());
        Assert.Contains("Temperature", error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Gpt2Chat: error: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostilePromptIsEchoedEscaped()
    {
        var output = new StringWriter();
        Assert.Equal(0, await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--prompt", "\u001b[2J\u202e", "--max-tokens", "4"], TextReader.Null, output, TextWriter.Null));
        Assert.StartsWith("\\x1b[2J\\u202e", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output.ToString());
    }
}
