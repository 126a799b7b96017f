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
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", fixture.Folder, "--tokens", string.Join(",", fixture.Prompt), "--json"], TextReader.Null, output);
        Assert.Equal(0, code);
        float[] logits = [.. JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(e => e.GetSingle())];
        Gpt2ParityTests.AssertClose(fixture.Logits[^1], logits, "sample logits");
    }

    [Fact]
    public async Task ChatModeStreamsACompletionOfEachPromptLine()
    {
        var fixture = Gpt2Fixture.Load(Gpt2Fixture.Names[1]);
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync([fixture.Folder, "--max-tokens", "8", "--seed", "3"], new StringReader("5\n#\n"), output);
        Assert.Equal(0, code);
        string text = output.ToString();
        Assert.Contains("> 5", text, StringComparison.Ordinal);
        Assert.Contains("> #", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFolderIsReportedNotThrown()
    {
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", "/nonexistent/gpt2", "--tokens", "1", "--json"], TextReader.Null, output);
        Assert.Equal(1, code);
        Assert.Contains("config.json", output.ToString(), StringComparison.Ordinal);
    }
}
