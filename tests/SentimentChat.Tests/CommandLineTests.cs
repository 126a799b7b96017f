using System.Text.Json;
using ParameterKit.CommandLine;
using SentimentChat.Commands;

namespace SentimentChat.Tests;

/// <summary>
/// The strict command line: unknown commands and options are errors (exit 2) with a suggestion, also before
/// --help; --version; --json errors are JSON on stderr; rejected input (empty text, empty file, bad URL, bad --out)
/// stops before any model is loaded or trained. None of these needs a trained model.
/// </summary>
public sealed class CommandLineTests
{
    private static string MissingModel => Path.Combine(Path.GetTempPath(), "sentimentchat-no-such-model-" + Guid.NewGuid().ToString("N") + ".safetensors");

    [Fact]
    public async Task UnknownOptionIsAnErrorWithASuggestion()
    {
        var run = await SampleRunner.Run("", "classify", "hello", "--jsn");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("Unknown option 'jsn'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Did you mean --json?", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task UnknownOptionBeforeHelpIsStillAnError()
    {
        var run = await SampleRunner.Run("", "evaluate", "--dat", "x.tsv", "--help");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("Did you mean --data?", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommandIsAnErrorWithASuggestionAlsoWithHelp()
    {
        var run = await SampleRunner.Run("", "clasify", "hello");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("Did you mean 'classify'?", run.Error, StringComparison.Ordinal);

        run = await SampleRunner.Run("", "nonsense", "--help");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("Unknown command 'nonsense'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("USAGE", run.Output, StringComparison.Ordinal);

        run = await SampleRunner.Run("", "evalute", "--help");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("Did you mean 'evaluate'?", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpAndVersionSucceed()
    {
        var run = await SampleRunner.Run("", "--version");
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Equal(App.Version, run.Output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", App.Version);

        run = await SampleRunner.Run("", "evaluate", "--help");
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Contains("--conversations", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task ChatHelpStatesTheLanguageModelsLimits()
    {
        // A stalled endpoint costs the customer two tries of the timeout before the built-in replies take over: said
        // where the endpoint is chosen, with the values the code uses.
        var run = await SampleRunner.Run("", "chat", "--help");
        string help = System.Text.RegularExpressions.Regex.Replace(run.Output, @"\s+", " ");
        Assert.Contains($"at most {LlmEndpoint.MaxReplyTokens} tokens", help, StringComparison.Ordinal);
        Assert.Contains($"up to {LlmEndpoint.MaxResponseBytes / (1024 * 1024)} MiB", help, StringComparison.Ordinal);
        Assert.Contains($"silent for {LlmEndpoint.Timeout.TotalSeconds} s is tried once more", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("classify")]
    [InlineData("evaluate")]
    [InlineData("train")]
    public async Task EveryCommandsHelpRenders(string command)
    {
        // Help text goes through Spectre's markup: an unescaped bracket in a description crashes it.
        var run = await SampleRunner.Run("", command, "--help");
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Contains("--model", run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task JsonErrorsGoToStandardErrorAsJson()
    {
        string missing = MissingModel;
        var run = await SampleRunner.Run("", "classify", "where is my parcel", "--json", "--model", missing);
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Equal("", run.Output);
        using var json = JsonDocument.Parse(run.Error);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("ModelFile", error.GetProperty("kind").GetString());
        Assert.Contains(missing, error.GetProperty("message").GetString(), StringComparison.Ordinal);

        run = await SampleRunner.Run("", "evaluate", "--data", "/nope/none.tsv", "--json");
        Assert.Equal(ExitCodes.Failure, run.Exit);
        Assert.Equal("", run.Output);
        using var notFound = JsonDocument.Parse(run.Error);
        Assert.Equal("NotFound", notFound.RootElement.GetProperty("error").GetProperty("kind").GetString());

        run = await SampleRunner.Run("", "classify", "x", "--jsn", "--json");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        using var usage = JsonDocument.Parse(run.Error);
        Assert.Equal("Usage", usage.RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task EmptyTextAndEmptyFilesAreRejected()
    {
        var run = await SampleRunner.Run("", "classify", "", "--model", MissingModel);
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("non-empty message", run.Error, StringComparison.Ordinal);

        run = await SampleRunner.Run("", "classify", "   ", "--json", "--model", MissingModel);
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        using (var json = JsonDocument.Parse(run.Error))
        {
            Assert.Equal("InvalidInput", json.RootElement.GetProperty("error").GetProperty("kind").GetString());
        }

        string empty = Path.GetTempFileName();
        try
        {
            run = await SampleRunner.Run("", "evaluate", "--data", empty, "--json", "--model", MissingModel);
            Assert.Equal(ExitCodes.Rejected, run.Exit);
            Assert.Equal("", run.Output);
            using var json = JsonDocument.Parse(run.Error);
            Assert.Equal("EmptyData", json.RootElement.GetProperty("error").GetProperty("kind").GetString());

            run = await SampleRunner.Run("", "evaluate", "--conversations", empty, "--model", MissingModel);
            Assert.Equal(ExitCodes.Rejected, run.Exit);
            Assert.Contains("no conversation", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task AFifoOrADeviceGivenAsDataIsReadAsEmptyNotOpened()
    {
        // Before: a FIFO blocked evaluate forever, and /dev/zero grew to 4 GB before an unexpected OutOfMemoryException.
        string folder = Directory.CreateTempSubdirectory("sentimentchat-fifo-").FullName;
        try
        {
            string fifo = Path.Combine(folder, "data.tsv");
            using (var mkfifo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo") { ArgumentList = { fifo }, UseShellExecute = false })!)
            {
                Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed");
            }
            foreach (string special in new[] { fifo, "/dev/zero" })
            {
                Task<RunResult> data = SampleRunner.Run("", "evaluate", "--data", special, "--json", "--model", MissingModel);
                Task<RunResult> conversations = SampleRunner.Run("", "evaluate", "--conversations", special, "--model", MissingModel);
                Task all = Task.WhenAll(data, conversations);
                Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))));
                RunResult dataRun = await data, conversationsRun = await conversations;
                Assert.Equal(ExitCodes.Rejected, dataRun.Exit);
                using var json = JsonDocument.Parse(dataRun.Error);
                Assert.Equal("EmptyData", json.RootElement.GetProperty("error").GetProperty("kind").GetString());
                Assert.Equal(ExitCodes.Rejected, conversationsRun.Exit);
                Assert.Contains("no conversation", conversationsRun.Error, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EvaluateNeedsExactlyOneInput()
    {
        var run = await SampleRunner.Run("", "evaluate");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        run = await SampleRunner.Run("", "evaluate", "--data", "a.tsv", "--conversations", "b.jsonl");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        run = await SampleRunner.Run("", "evaluate", "--conversations", "b.jsonl", "--baseline");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("--baseline goes with --data", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("ftp://example.com/v1")]
    [InlineData("http//localhost:11434")]
    public async Task AMalformedLlmUrlIsACleanError(string url)
    {
        var run = await SampleRunner.Run("hello\n", "chat", "--llm", url, "--llm-model", "x", "--model", MissingModel);
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("--llm must be an http(s) URL", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlmOptionsGoTogether()
    {
        var run = await SampleRunner.Run("", "chat", "--llm", "http://127.0.0.1:1/v1");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("--llm-model", run.Error, StringComparison.Ordinal);
        run = await SampleRunner.Run("", "chat", "--api-key", "k");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
    }

    [Fact]
    public async Task TrainRefusesAnOutPathInAMissingFolderBeforeTraining()
    {
        string missing = Path.Combine(Path.GetTempPath(), "sentimentchat-missing-" + Guid.NewGuid().ToString("N"), "model.safetensors");
        // SampleRunner's default trainer throws if called: exit 2 (not 1) proves the refusal came first.
        var run = await SampleRunner.Run("", "train", "--epochs", "1", "--out", missing);
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);

        run = await SampleRunner.Run("", "train", "--epochs", "0");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        run = await SampleRunner.Run("", "train", "--epochs", "two");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
    }

    [Fact]
    public async Task UnexpectedExceptionsPrintOneLineAndDetailsOnlyWithVerbose()
    {
        string folder = Directory.CreateTempSubdirectory("sentimentchat-verbose-").FullName;
        try
        {
            // The stand-in trainer throws InvalidOperationException: an error nobody anticipated.
            var run = await SampleRunner.Run("", "train", "--out", folder);
            Assert.Equal(ExitCodes.Failure, run.Exit);
            string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("unexpected InvalidOperationException", line, StringComparison.Ordinal);
            Assert.Contains("--verbose", line, StringComparison.Ordinal);

            run = await SampleRunner.Run("", "train", "--out", folder, "--verbose");
            Assert.Equal(ExitCodes.Failure, run.Exit);
            Assert.Contains("   at ", run.Error, StringComparison.Ordinal); // the stack trace, asked for
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RedirectedOutputIsNotWrappedAt80Columns()
    {
        using var output = new StringWriter();
        var console = TerminalConsole.Create(output, redirected: true);
        var host = new SampleHost(console, TextWriter.Null, new StringReader(""), InputIsInteractive: false);
        Assert.Equal(ExitCodes.Ok, await App.RunAsync(["evaluate", "--help"], host));
        // The description is longer than 80 characters and must stay on one line.
        string description = "Accuracy, per-class F1, macro-F1 and confusion matrix on labelled messages, or per turn of conversations plus escalation accuracy";
        Assert.True(description.Length > 80);
        Assert.Contains(description, output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--jsn", "--json")]
    [InlineData("--epoch", "--epochs")]
    [InlineData("--conversation", "--conversations")]
    [InlineData("--llm-modle", "--llm-model")]
    public void MisspeltOptionsFindTheirNearestNeighbour(string typed, string meant) =>
        Assert.Equal(meant, EditDistance.Closest(typed, App.OptionsByCommand.Values.SelectMany(o => o).Distinct()));

    [Fact]
    public void FarFetchedWordsGetNoSuggestion() =>
        Assert.Null(EditDistance.Closest("--frobnicate", App.OptionsByCommand.Values.SelectMany(o => o).Distinct()));
}
