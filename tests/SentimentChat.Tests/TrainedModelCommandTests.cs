using ParameterKit.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SentimentChat.Chat;
using SentimentChat.Commands;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>Commands that need the trained model: the LLM endpoint failing mid-chat, conversations, the threshold label.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class TrainedModelCommandTests(TrainedModelFixture fixture)
{
    /// <summary>A loopback port nothing listens on: bound, then released, so connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task AnUnreachableLlmPrintsOneLineAndTheChatContinuesWithTemplates()
    {
        string endpoint = $"http://127.0.0.1:{ClosedPort()}/v1";
        string script = "hi, what are your opening hours?\nI've been on hold for 45 minutes\nthanks, bye\n";
        var run = await SampleRunner.Run(script, "chat", "--llm", endpoint, "--llm-model", "x", "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        string all = run.Output + run.Error;
        Assert.Equal(1, all.Split('\n').Count(l => l.Contains("The language model failed", StringComparison.Ordinal)));
        Assert.DoesNotContain("AggregateException", all, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        var replies = run.Output.Split('\n').Where(l => l.StartsWith("bot>", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, replies.Count); // every turn answered, by the templates after the failure
        Assert.Contains("sorry about the wait", replies[1], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A loopback server that answers every request with <paramref name="respond"/> and closes; its URL.</summary>
    private static string Serve(Func<NetworkStream, Task> respond, CancellationToken stop)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            using (listener.Server)
            {
                while (!stop.IsCancellationRequested)
                {
                    using TcpClient client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
                    using NetworkStream stream = client.GetStream();
                    var buffer = new byte[65536];
                    _ = await stream.ReadAsync(buffer, stop).ConfigureAwait(false);   // the request; its content does not matter
                    try
                    {
                        await respond(stream).ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        // The client hung up: what the size cap does.
                    }
                }
            }
        }, stop);
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1";
    }

    [Fact]
    public async Task AnEndlessLlmReplyIsCutAtTheResponseCapAndTheChatGoesOnWithTemplates()
    {
        // Before: the whole body was buffered (a 200 MB reply took 6.6 GB; an endless one 12.7 GB before failing).
        using var stop = new CancellationTokenSource();
        long sent = 0;
        string endpoint = Serve(async stream =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""u8.ToArray());
            byte[] chunk = System.Text.Encoding.ASCII.GetBytes(new string('a', 65536));
            for (int i = 0; i < 1024 && !stop.IsCancellationRequested; i++)   // up to 64 MB
            {
                await stream.WriteAsync(chunk);
                Interlocked.Add(ref sent, chunk.Length);
            }
        }, stop.Token);
        var run = await SampleRunner.Run("hello\nthanks, bye\n", "chat", "--llm", endpoint, "--llm-model", "x", "--model", fixture.ModelPath);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Contains("The language model failed", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Output.Split('\n').Count(l => l.StartsWith("bot>", StringComparison.Ordinal)));
        Assert.True(Interlocked.Read(ref sent) < 32L << 20, $"the client read on to {Interlocked.Read(ref sent):N0} bytes");
    }

    [Fact]
    public async Task EscapeSequencesFromTheCustomerAndFromAnLlmErrorDoNotReachTheTerminal()
    {
        // Before: piped input was echoed with its control sequences live, and so was an LLM server's error message.
        using var stop = new CancellationTokenSource();
        string endpoint = Serve(async stream =>
        {
            byte[] body = System.Text.Encoding.UTF8.GetBytes("{\"error\":{\"message\":\"boom \\u001b]0;PWNED\\u0007\\u001b[2J\"}}");
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        }, stop.Token);
        var run = await SampleRunner.Run("hello \u001b]0;PWNED\u0007\u001b[2J\u001b[8m hidden \u202e txt\n", "chat", "--llm", endpoint, "--llm-model", "x", "--model", fixture.ModelPath);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Ok, run.Exit);
        string all = run.Output + run.Error;
        Assert.Contains("The language model failed", all, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', all);
        Assert.DoesNotContain('\u0007', all);
        Assert.DoesNotContain('\u202e', all);
    }

    [Fact]
    public async Task EvaluateConversationsReportsTurnsAndEscalationAsJson()
    {
        string path = Path.Combine(fixture.Folder, "conversations.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            "{\"id\": \"a\", \"turns\": [{\"text\": \"my parcel is late\", \"label\": \"frustrated\"}, {\"text\": \"I want to speak to a manager\", \"label\": \"frustrated\"}], \"escalate_at\": 1}",
            "{\"id\": \"b\", \"turns\": [{\"text\": \"what time do you open on saturday?\", \"label\": \"other\"}, {\"text\": \"thank you so much!\", \"label\": \"positive\"}], \"escalate_at\": null}",
        ]);
        var run = await SampleRunner.Run("", "evaluate", "--conversations", path, "--json", "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("macro_f1").GetDouble(), 0, 1);
        Assert.Equal(["frustrated", "positive", "other"], root.GetProperty("per_class").EnumerateObject().Select(p => p.Name));
        Assert.All(root.GetProperty("per_class").EnumerateObject(), c =>
            Assert.Equal(["precision", "recall", "f1", "support"], c.Value.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(4, root.GetProperty("per_class").EnumerateObject().Sum(c => c.Value.GetProperty("support").GetInt32()));
        var escalation = root.GetProperty("escalation");
        Assert.Equal(2, escalation.GetProperty("conversations").GetInt32());
        // Both are decided by text alone (a request for a manager; a neutral question and thanks), whatever the model says.
        Assert.Equal(1.0, escalation.GetProperty("accuracy").GetDouble());
        Assert.Equal(0, escalation.GetProperty("false_escalations").GetInt32());
        Assert.Equal(0, escalation.GetProperty("missed").GetInt32());
        Assert.Equal(1, escalation.GetProperty("none_due").GetInt32());
        Assert.Equal(0, escalation.GetProperty("needless_offers").GetInt32());

        run = await SampleRunner.Run("", "evaluate", "--conversations", path, "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Contains("escalation: accuracy 1.0000", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateWithBaselinesKeepsTheClassifiersFieldsOnTop()
    {
        string data = Path.Combine(AppContext.BaseDirectory, "Data", "customer_service.tsv");
        var run = await SampleRunner.Run("", "evaluate", "--data", data, "--baseline", "--json", "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(["accuracy", "macro_f1", "per_class", "confusion_matrix", "baselines"], root.EnumerateObject().Select(p => p.Name));
        var baselines = root.GetProperty("baselines").EnumerateArray().ToList();
        Assert.Equal(3, baselines.Count);
        Assert.Contains("majority class", baselines[0].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains("logistic regression", baselines[1].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains("fastText", baselines[2].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.All(baselines, b => Assert.InRange(b.GetProperty("macro_f1").GetDouble(), 0, 1));
    }

    [Fact]
    public async Task TheLabelExplainsTheThresholdWhenItOverridesTheLargestProbability()
    {
        var model = fixture.Outcome.Model;
        // Find a message of the shipped dev split where the threshold decided "frustrated" against a likelier class.
        var overridden = Model.Corpus.Dev().Select(t => t.Text).Take(3000)
            .FirstOrDefault(t => PredictionText.ThresholdDecided(model.Classify(t)));
        Assert.NotNull(overridden); // the threshold (below 0.5) must decide some messages, or this test proves nothing
        var run = await SampleRunner.Run("", "classify", overridden!, "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.StartsWith($"frustrated (threshold {model.FrustrationThreshold:F2}) (frustrated ", run.Output, StringComparison.Ordinal);

        var plain = Model.Corpus.Dev().Select(t => t.Text).First(t => model.Classify(t) is { Label: Labels.Positive });
        run = await SampleRunner.Run("", "classify", plain, "--model", fixture.ModelPath);
        Assert.StartsWith("positive (frustrated ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageStartingWithADashIsClassifiedWhole()
    {
        // Before: Spectre read "-1" as a negative number and dropped the rest, so only "-1" was classified.
        const string Message = "-1 stars, awful service and nobody answers";
        IReadOnlyList<float> expected = SentimentChat.Model.ModelFile.Load(fixture.ModelPath).Classify(Message).Probabilities;

        var run = await SampleRunner.Run("", "classify", Message, "--json", "--model", fixture.ModelPath);

        Assert.True(run.Exit == ExitCodes.Ok, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement probabilities = json.RootElement.GetProperty("probabilities");
        Assert.Equal(expected[Labels.Frustrated], probabilities.GetProperty("frustrated").GetSingle());
        Assert.Equal(expected[Labels.Other], probabilities.GetProperty("other").GetSingle());
    }

    [Theory]
    [InlineData(new[] { "still", "--", "broken" }, "still broken")]
    [InlineData(new[] { "--", "--broken again, and --json is part of the message" }, "--broken again, and --json is part of the message")]
    public async Task WordsAfterADoubleDashAreTheMessageNeverDropped(string[] words, string message)
    {
        // Before: Spectre set the words after "--" aside, so "classify still -- broken" classified "still" alone, and
        // "classify -- --broken again" failed on an invalid option name.
        IReadOnlyList<float> expected = SentimentChat.Model.ModelFile.Load(fixture.ModelPath).Classify(message).Probabilities;

        var run = await SampleRunner.Run("", ["classify", "--json", "--model", fixture.ModelPath, .. words]);

        Assert.True(run.Exit == ExitCodes.Ok, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        JsonElement probabilities = json.RootElement.GetProperty("probabilities");
        Assert.Equal(expected[Labels.Frustrated], probabilities.GetProperty("frustrated").GetSingle());
        Assert.Equal(expected[Labels.Other], probabilities.GetProperty("other").GetSingle());
    }
}
