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
    public async Task ChatModeStreamsACompletionOfEachPromptLine()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync([fixture.Folder, "--max-tokens", "8", "--seed", "3"], new StringReader("5\n#\n"), output, TextWriter.Null);
        Assert.Equal(0, code);
        string text = output.ToString();
        Assert.Contains("> 5", text, StringComparison.Ordinal);
        Assert.Contains("> #", text, StringComparison.Ordinal);
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
    [InlineData("--help")]
    [InlineData("logits --help")]
    public async Task HelpExits0(string commandLine)
    {
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(commandLine.Split(' '), TextReader.Null, output, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Contains("USAGE:", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("some/folder --max-tokns 5", "Did you mean --max-tokens?")]
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
        // The prompt is echoed, then the sampler refuses the temperature: the error must not trail "Hello".
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync([fixture.Folder, "--prompt", "Hello", "--temperature", "-1"], TextReader.Null, output, error);
        Assert.Equal(2, code);
        Assert.Equal("Hello\n", output.ToString());
        Assert.StartsWith("Gpt2Chat: error: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostilePromptIsEchoedEscaped()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var output = new StringWriter();
        // The fixture's vocabulary is too small for these bytes' tokens, so the run fails after the echo (exit 2);
        // the echo is what this test is about.
        await Gpt2ChatApp.RunAsync([fixture.Folder, "--prompt", "\u001b[2J\u202e", "--max-tokens", "1"], TextReader.Null, output, TextWriter.Null);
        Assert.StartsWith("\\x1b[2J\\u202e", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output.ToString());
    }
}
