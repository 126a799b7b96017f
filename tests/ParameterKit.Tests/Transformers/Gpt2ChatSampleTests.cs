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
    public async Task AConversationLongerThanTheContextGoesOnWithoutItsOldestExchanges()
    {
        // The tiny model holds 128 positions; ten messages of about 15 tokens and their replies outgrow it by far.
        string messages = string.Concat(Enumerable.Range(1, 10).Select(i => $"Message {i}: tell me more about weights and biases.\n"));
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--max-tokens", "24", "--seed", "1"],
            new StringReader(messages), output, error);
        Assert.Equal("", error.ToString());
        Assert.Equal(0, code);
        Assert.Contains("you> Message 10: tell me more about weights and biases.\nbot>", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageTooLongForTheContextIsLeftOutAndTheChatGoesOn()
    {
        // The tiny model holds 128 positions; the second message is 150 tokens on its own.
        string input = "Hello\n" + string.Concat(Enumerable.Repeat("parameter ", 150)) + "\nAfter that\n";
        var (code, output, error) = await ChatAsync(input, "--max-tokens", "8", "--seed", "1");
        Assert.Equal(0, code);
        Assert.Contains("you> After that\nbot>", output, StringComparison.Ordinal);
        string reported = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("Gpt2Chat: error: The last message makes a prompt of", reported, StringComparison.Ordinal);
        Assert.EndsWith("The message was left out; the conversation goes on.", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndlessLineIsReadOnlyAsFarAsAMessageIsKept()
    {
        // Gpt2Chat chat < /dev/zero grew by 4 GB in ten seconds: the whole line was built before anything was sent.
        string input = new string('w', ChatCommand.MaxMessageCharacters + 5) + "\nAfter that\n";
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--max-tokens", "4", "--seed", "1"], new StringReader(input), output, error);
        Assert.Equal(0, code);
        Assert.Contains("you> After that\nbot>", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"the message was longer than {ChatCommand.MaxMessageCharacters:N0} characters; only its start is sent", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesThatAreNotACheckpointFolderAreRejectedInOneLine()
    {
        // The folder's model.safetensors given for the folder; a config whose sizes the weights do not have; a GPT-2 folder
        // without tokenizer files whose vocabulary is not GPT-2's.
        using var folder = new TempFolder();
        string mismatched = Directory.CreateDirectory(folder.File("mismatched")).FullName;
        File.Copy(Path.Combine(TinyGpt2Folder.Path, "model.safetensors"), Path.Combine(mismatched, "model.safetensors"));
        File.WriteAllText(Path.Combine(mismatched, "config.json"),
            """{"model_type": "gpt2", "n_layer": 2, "n_head": 2, "n_embd": 16, "vocab_size": 50257, "n_positions": 128}""");
        string fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gpt2", "c32_h4_l3");
        (string Model, int Code, string Says)[] cases =
        [
            (Path.Combine(TinyGpt2Folder.Path, "model.safetensors"), 2, "is a file but not a GGUF file"),
            (mismatched, 2, "h.1."),
            (fixture, 1, "is not GPT-2's 50257"),
        ];
        foreach (var (model, exitCode, says) in cases)
        {
            var error = new StringWriter();
            int code = await Gpt2ChatApp.RunAsync(["chat", "--model", model, "--prompt", "hi"], TextReader.Null, TextWriter.Null, error);
            Assert.Equal(exitCode, code);
            string reported = Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
            Assert.StartsWith("Gpt2Chat: error: ", reported, StringComparison.Ordinal);   // not "unexpected"
            Assert.Contains(says, reported, StringComparison.Ordinal);
        }
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

    [Theory]
    [InlineData(129, 1, "--tokens holds 129 ids; the model's context holds 128")]
    [InlineData(3, 50257, "--tokens: 50257 is outside the vocabulary of 50257 tokens")]
    public async Task TokensTheModelCannotTakeAreRefusedInTheOptionsWords(int count, int id, string expected)
    {
        var error = new StringWriter();
        string tokens = string.Join(',', Enumerable.Repeat(id, count));
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", TinyGpt2Folder.Path, "--tokens", tokens], TextReader.Null, TextWriter.Null, error);
        Assert.Equal(2, code);
        Assert.Equal($"Gpt2Chat: error: {expected}\n", error.ToString().ReplaceLineEndings("\n"));
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
        // The folder itself is missing, and the message says so rather than sending the reader to look for config.json in it.
        Assert.Contains("No folder or file at '/nonexistent/gpt2'", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var empty = new TempFolder();
        error = new StringWriter();
        Assert.Equal(1, await Gpt2ChatApp.RunAsync(["logits", "--model", empty.Path, "--tokens", "1"], TextReader.Null, output, error));
        Assert.Contains($"No config.json in '{empty.Path}'", error.ToString(), StringComparison.Ordinal);

        File.WriteAllText(empty.File("model.safetensors"), "");
        var file = Assert.Throws<FileNotFoundException>(() => ParameterKit.Models.Gpt2.Gpt2Model.Load(empty.File("model.safetensors")));
        Assert.Contains("is a file: give a GPT-2 checkpoint folder", file.Message, StringComparison.Ordinal);
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
    [InlineData("logits --model m --tokens 464,,286", "--tokens: entry 2 of 3 is empty")]
    [InlineData("logits --model m --tokens 464,", "--tokens: entry 2 of 2 is empty")]
    // Sampling options are refused before the (missing) model folder is read.
    [InlineData("chat --model /nonexistent --temperature -1", "--temperature must be finite and not negative")]
    [InlineData("chat --model /nonexistent --temperature NaN", "--temperature must be finite and not negative")]
    [InlineData("chat --model /nonexistent --top-p 0", "--top-p must be above 0 and at most 1 (got 0)")]
    [InlineData("chat --model /nonexistent --top-p 1.5", "--top-p must be above 0 and at most 1 (got 1.5)")]
    [InlineData("chat --model /nonexistent --top-k -2", "--top-k must not be negative")]
    [InlineData("chat --model /nonexistent --repetition-penalty 0", "--repetition-penalty must be finite and above 0")]
    [InlineData("chat --model /nonexistent --max-tokens 0", "--max-tokens must be at least 1 (got 0)")]
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
        // The message is echoed and the reply begun, then the generator refuses a prompt longer than the tiny model's
        // 128 positions: the error must not trail "bot>".
        string message = string.Concat(Enumerable.Repeat("parameter ", 150));
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--prompt", message], TextReader.Null, output, error);
        Assert.Equal(2, code);
        Assert.Equal(message + "\nbot>\n", output.ToString());
        Assert.Contains("the model's context holds 128.", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.ToString(), StringComparison.Ordinal);
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

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AnEmptyPromptOrSystemMessageIsRefusedBeforeTheModelLoads(string text)
    {
        foreach (string option in new[] { "--prompt", "--system" })
        {
            var error = new StringWriter();
            int code = await Gpt2ChatApp.RunAsync(["chat", "--model", "/nonexistent", option, text], TextReader.Null, TextWriter.Null, error);
            Assert.Equal(2, code);
            Assert.Contains($"{option} needs", error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASystemMessageTheContextCannotHoldIsRefusedAtStartUp()
    {
        // Before: the chat started, and every message typed was "left out" for a prompt too long, the system message's fault.
        string system = string.Concat(Enumerable.Repeat("parameter ", 150));
        var (code, output, error) = await ChatAsync("Hello\nAgain\n", "--system", system);
        Assert.Equal(2, code);
        Assert.DoesNotContain("you>", output, StringComparison.Ordinal);
        string reported = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("--system makes a prompt of", reported, StringComparison.Ordinal);
        Assert.Contains("the model's context holds 128: shorten it.", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APromptStartingWithADashReachesTheModelWhole()
    {
        // Before: Spectre read "-5" as a negative number and dropped the rest, so the echo (and the prompt) was "-5".
        var output = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, "--prompt", "-5 days late, again", "--max-tokens", "2"],
            TextReader.Null, output, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.StartsWith("-5 days late, again\nbot>", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>chat</c> on the tiny GPT-2 folder with <paramref name="input"/> as the typed messages.</summary>
    private static async Task<(int Code, string Output, string Error)> ChatAsync(string input, params string[] options)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", TinyGpt2Folder.Path, .. options], new StringReader(input), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
