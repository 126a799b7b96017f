using ParameterKit.CommandLine;
using System.Text.Json;
using SentimentChat.Chat;
using SentimentChat.Commands;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>Drives the sample's commands in-process, as a script would: classify, evaluate, a scripted chat, bad input.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class SampleCommandTests(TrainedModelFixture fixture)
{
    private static readonly string CustomerService = Path.Combine(AppContext.BaseDirectory, "Data", "customer_service.tsv");

    /// <summary>Standard output and standard error together: the tests below look for a message wherever it went.</summary>
    private static async Task<(int Exit, string Output)> Run(string input, params string[] args)
    {
        var run = await SampleRunner.Run(input, args);
        return (run.Exit, run.Output + run.Error);
    }

    [Fact]
    public async Task ClassifyPrintsLabelAndProbabilitiesAsJson()
    {
        var (exit, output) = await Run("", "classify", "You charged me twice for the same order!", "--json", "--model", fixture.ModelPath);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("frustrated", json.RootElement.GetProperty("label").GetString());
        double sum = json.RootElement.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal(1.0, sum, 4);
    }

    [Fact]
    public async Task PlainlyFrustratedCustomersAreCaught()
    {
        // The customer-service messages were written for this test, not drawn from GoEmotions; see Data/customer_service.tsv.
        var texts = TsvReader.Read(CustomerService);
        var model = fixture.Outcome.Model;
        var frustrated = texts.Where(t => t.Label == Labels.Frustrated).ToList();
        int caught = frustrated.Count(t => model.Classify(t.Text).Label == Labels.Frustrated);
        Assert.True(caught >= 0.6 * frustrated.Count, $"only {caught} of {frustrated.Count} frustrated customer messages were caught");
        Assert.Equal(Labels.Frustrated, model.Classify("I've been on hold for 45 minutes").Label);
        Assert.Equal(Labels.Frustrated, model.Classify("you charged me twice").Label);
        Assert.All(texts.Where(t => t.Label == Labels.Positive), t => Assert.Equal(Labels.Positive, model.Classify(t.Text).Label));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task EvaluateReportsAccuracyMacroF1AndPerClassAsJson()
    {
        var (exit, output) = await Run("", "evaluate", "--data", CustomerService, "--json", "--model", fixture.ModelPath);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0.6, 1.0);
        Assert.InRange(root.GetProperty("macro_f1").GetDouble(), 0.5, 1.0);
        Assert.Equal(["frustrated", "positive", "other"], root.GetProperty("per_class").EnumerateObject().Select(p => p.Name));
        Assert.Equal(20, root.GetProperty("confusion_matrix").EnumerateArray().Sum(row => row.EnumerateArray().Sum(v => v.GetInt64())));
    }

    [Fact]
    public async Task ScriptedChatRepliesChangeWithFrustration()
    {
        string script = string.Join('\n',
            "Hi, what are your opening hours on Saturday?",
            "",
            "I've been on hold for 45 minutes",
            "You charged me twice for the same order, this is ridiculous!",
            "Thank you so much, that fixed it!");
        var (exit, output) = await Run(script, "chat", "--model", fixture.ModelPath);
        Assert.Equal(0, exit);
        var replies = output.Split('\n').Where(l => l.StartsWith("bot>", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, replies.Count); // the empty line got no reply
        Assert.DoesNotContain("sorry", replies[0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("sorry about the wait", replies[1], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, replies[1], StringComparison.Ordinal);
        Assert.Contains("double charge", replies[2], StringComparison.OrdinalIgnoreCase);
        Assert.Contains(TemplateReplyGenerator.EscalationOffer, replies[2], StringComparison.Ordinal); // repeated frustration
        Assert.Contains("Glad", replies[3], StringComparison.Ordinal);
        Assert.Contains("[frustrated", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugeAndOddInputIsHandled()
    {
        string huge = string.Concat(Enumerable.Repeat("this is taking forever and I am angry ", 2000));
        var (exit, output) = await Run(huge + "\n\u00ff\ufffd garbled \ud800 bytes\n", "chat", "--model", fixture.ModelPath);
        Assert.Equal(0, exit);
        Assert.Contains("only its first 64 tokens were read", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("bot>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task MissingOrCorruptModelsAndBadDataGiveClearErrors()
    {
        var (exit, output) = await Run("", "classify", "hello", "--model", Path.Combine(fixture.Folder, "none.safetensors"));
        Assert.Equal(1, exit);
        Assert.Contains("No model at", output, StringComparison.Ordinal);
        Assert.Contains("train", output, StringComparison.Ordinal);

        string corrupt = Path.Combine(fixture.Folder, "corrupt.safetensors");
        await File.WriteAllBytesAsync(corrupt, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        (exit, output) = await Run("", "classify", "hello", "--model", corrupt);
        Assert.Equal(1, exit);
        Assert.Contains("corrupt", output, StringComparison.Ordinal);

        string bad = Path.Combine(fixture.Folder, "bad.tsv");
        await File.WriteAllTextAsync(bad, "fine text\tpositive\nangry text\tfurious\n");
        (exit, output) = await Run("", "evaluate", "--data", bad, "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Rejected, exit);
        Assert.Contains("bad.tsv:2", output, StringComparison.Ordinal);
        Assert.Contains("furious", output, StringComparison.Ordinal);

        string invalid = Path.Combine(fixture.Folder, "invalid.tsv");
        await File.WriteAllBytesAsync(invalid, [(byte)'o', (byte)'k', 9, (byte)'o', (byte)'t', (byte)'h', (byte)'e', (byte)'r', 10, 0xff, 0xfe, 9, (byte)'o', (byte)'t', (byte)'h', (byte)'e', (byte)'r', 10]);
        (exit, output) = await Run("", "evaluate", "--data", invalid, "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Rejected, exit);
        Assert.Contains("invalid.tsv:2", output, StringComparison.Ordinal);
        Assert.Contains("UTF-8", output, StringComparison.Ordinal);

        (exit, _) = await Run("", "nonsense");
        Assert.Equal(ExitCodes.Rejected, exit);
    }
}
