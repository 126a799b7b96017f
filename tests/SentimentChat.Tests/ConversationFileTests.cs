using ParameterKit.CommandLine;
using System.Text.Json;
using SentimentChat.Chat;
using SentimentChat.Commands;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>Reading conversations (JSON Lines): the fields, and a typed error naming file and line for every bad line.</summary>
public sealed class ConversationFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sentimentchat-conversations-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void ReadsTurnsLabelsAndTheDueTurnIgnoringOtherFields()
    {
        string path = Write("ok.jsonl",
            "{\"id\": \"c01\", \"situation\": \"S03\", \"turns\": [{\"text\": \"where is my parcel\", \"label\": \"other\"}, {\"text\": \"STILL nothing!!\", \"label\": \"frustrated\"}], \"escalate_at\": 1}\n"
            + "\n"
            + "{\"id\": \"c02\", \"turns\": [{\"text\": \"thanks!\", \"label\": \"positive\"}], \"escalate_at\": null}\n");
        var conversations = ConversationFile.Read(path);
        Assert.Equal(["c01", "c02"], conversations.Select(c => c.Id));
        Assert.Equal(1, conversations[0].EscalateAt);
        Assert.Null(conversations[1].EscalateAt);
        Assert.Equal(new LabeledText("STILL nothing!!", Labels.Frustrated), conversations[0].Turns[1]);
    }

    [Theory]
    [InlineData("{\"id\": \"c01\", \"turns\": [", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{\"turns\": [{\"text\": \"hi\", \"label\": \"other\"}], \"escalate_at\": null}", "\"id\"")]
    [InlineData("{\"id\": \"c01\", \"escalate_at\": null}", "\"turns\"")]
    [InlineData("{\"id\": \"c01\", \"turns\": [], \"escalate_at\": null}", "no turns")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"angry\"}], \"escalate_at\": null}", "unknown label 'angry'")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\"}], \"escalate_at\": null}", "turn 0")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \" \", \"label\": \"other\"}], \"escalate_at\": null}", "empty text")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"other\"}], \"escalate_at\": 1}", "from 0 to 0")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"other\"}], \"escalate_at\": -1}", "from 0 to 0")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"other\"}], \"escalate_at\": \"0\"}", "escalate_at")]
    [InlineData("{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"other\"}]}", "missing field \"escalate_at\"")]
    public void ABadLineIsATypedErrorNamingFileAndLine(string badLine, string expected)
    {
        string good = "{\"id\": \"c00\", \"turns\": [{\"text\": \"hello\", \"label\": \"other\"}], \"escalate_at\": null}";
        string path = Write("bad.jsonl", good + "\n" + badLine + "\n");
        var error = Assert.Throws<ConversationFormatException>(() => ConversationFile.Read(path));
        Assert.StartsWith(path + ":2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8AndEmptyFilesAreRejected()
    {
        string path = Path.Combine(_folder, "bytes.jsonl");
        File.WriteAllBytes(path, [(byte)'{', 0xff, 0xfe, (byte)'}', (byte)'\n']);
        Assert.Contains("bytes.jsonl:1: the line is not valid UTF-8", Assert.Throws<ConversationFormatException>(() => ConversationFile.Read(path)).Message, StringComparison.Ordinal);
        Assert.Contains("no conversation", Assert.Throws<ConversationFormatException>(() => ConversationFile.Read(Write("blank.jsonl", "\n\n"))).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => ConversationFile.Read(Path.Combine(_folder, "none.jsonl")));
    }

    [Fact]
    public async Task TheCommandReportsAMalformedLineAsJsonWithExitCode2()
    {
        string path = Write("broken.jsonl", "{\"id\": \"c01\", \"turns\": [{\"text\": \"hi\", \"label\": \"other\"}], \"escalate_at\": null}\nnot json\n");
        var run = await SampleRunner.Run("", "evaluate", "--conversations", path, "--json", "--model", Path.Combine(_folder, "no-model.safetensors"));
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Equal("", run.Output);
        using var json = JsonDocument.Parse(run.Error);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("DataFormat", error.GetProperty("kind").GetString());
        Assert.Contains("broken.jsonl:2", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
