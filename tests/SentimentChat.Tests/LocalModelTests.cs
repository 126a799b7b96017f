using Microsoft.Extensions.AI;
using ParameterKit.CommandLine;
using ParameterKit.Extensions.AI;
using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Tokenization;
using SentimentChat.Chat;
using SentimentChat.Commands;
using SentimentChat.Model;

namespace SentimentChat.Tests;

/// <summary>
/// <c>chat --local-model</c>: replies written in-process by a tiny random GPT-2 folder the test writes (and a Llama
/// one with Llama 2's tokenizer and TinyLlama's chat template). Its text is noise; what is checked is the plumbing: every turn answered by the model, the system prompt and tone instructions
/// reaching the prompt renderer, streaming through the sentiment middleware, and one-line errors.
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed class LocalModelTests(TrainedModelFixture fixture)
{
    // Written once and shared by the tests, so no test deletes them: they go when the test process exits.
    private static readonly Lazy<string> TinyFolder = new(WriteTinyGpt2);
    private static readonly Lazy<string> TinyLlamaFolder = new(WriteTinyLlama);

    [Fact]
    public async Task EveryTurnIsAnsweredByTheLocalModelWithoutAServer()
    {
        string script = "hi, what are your opening hours?\nI've been on hold for 45 minutes\nthanks, bye\n";
        var run = await SampleRunner.Run(script, "chat", "--local-model", TinyFolder.Value, "--model", fixture.ModelPath);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Equal("", run.Error);
        Assert.DoesNotContain("The language model failed", run.Output, StringComparison.Ordinal);
        Assert.Equal(3, run.Output.Split('\n').Count(l => l.StartsWith("bot>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheSystemPromptAndToneReachTheRendererAndStreamingWorks()
    {
        var rendered = new List<IReadOnlyList<ChatMessage>>();
        string Record(IReadOnlyList<ChatMessage> messages)
        {
            rendered.Add(messages);
            return ChatTranscript.Render(messages);
        }

        // Through the reply generator the chat uses: its system prompt, then the middleware's tone instructions.
        var mood = new ConversationMood();
        using (var replies = new ChatClientReplyGenerator(LocalModel.Client(TinyFolder.Value, Record), Classify, mood))
        {
            mood.Add("my parcel never arrived", FakePredictions.Frustrated);
            await replies.ReplyAsync("my parcel never arrived", FakePredictions.Frustrated, mood);
        }
        var sent = Assert.Single(rendered);
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Contains("Apologize once", sent[0].Text, StringComparison.Ordinal);
        Assert.Contains(sent, m => m.Role == ChatRole.System && m.Text.Contains("customer-service agent", StringComparison.Ordinal));
        Assert.Equal("my parcel never arrived", sent[^1].Text);

        // Streaming through the middleware: pieces, then the finish reason and usage; the same text as a whole response.
        using var chat = new SentimentAwareChatClient(LocalModel.Client(TinyFolder.Value), Classify, new ConversationMood());
        ChatMessage[] question = [new(ChatRole.User, "where is my order?")];
        // A classified turn: the middleware leaves the mood alone, so both requests render the same prompt.
        var classified = new ChatOptions { AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = FakePredictions.Frustrated } };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(question, classified))
        {
            updates.Add(update);
        }
        Assert.True(updates.Count >= 2, $"{updates.Count} updates");
        Assert.NotNull(updates[^1].FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents)).Details;
        Assert.InRange(usage.OutputTokenCount!.Value, 1, LocalModel.ReplyOptions.MaxNewTokens);
        var whole = await chat.GetResponseAsync(question, classified);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task ALlamaFolderAnswersEveryTurnThroughItsChatTemplate()
    {
        string script = "hi, what are your opening hours?\nI've been on hold for 45 minutes\n";
        var run = await SampleRunner.Run(script, "chat", "--local-model", TinyLlamaFolder.Value, "--model", fixture.ModelPath);
        Assert.Equal("", run.Error);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.DoesNotContain("The language model failed", run.Output, StringComparison.Ordinal);
        Assert.Equal(2, run.Output.Split('\n').Count(l => l.StartsWith("bot>", StringComparison.Ordinal)));

        // The client renders with TinyLlama's template (system turns included) and stops at </s>, not at "\nUser:".
        using var client = LocalModel.Client(TinyLlamaFolder.Value);
        var reply = await client.GetResponseAsync([new(ChatRole.System, "Be kind."), new(ChatRole.User, "where is my order?")]);
        Assert.Equal(ChatFinishReason.Length, reply.FinishReason);   // 80 random tokens: no stop string cut it short
        Assert.Equal(LocalModel.ReplyOptions.MaxNewTokens, reply.Usage!.OutputTokenCount);
        // The prompt is the template's rendering encoded as transformers' apply_chat_template does: no BOS added.
        var tokenizer = ModelTokenizer.FromFolder(TinyLlamaFolder.Value);
        IReadOnlyList<int> prompt = tokenizer.EncodeChat([new ChatTemplateMessage("system", "Be kind."), new ChatTemplateMessage("user", "where is my order?")]);
        Assert.Equal(prompt.Count, reply.Usage.InputTokenCount);
    }

    [Theory]
    [InlineData("/nonexistent/checkpoint", ExitCodes.Failure, "No folder or file at '/nonexistent/checkpoint'")]
    [InlineData("T5", ExitCodes.Rejected, "model_type 't5' is not supported")]
    [InlineData("LLAMA-WITHOUT-TOKENIZER", ExitCodes.Failure, "No tokenizer.json or tokenizer.model")]
    public async Task ABadLocalModelFolderIsOneLineBeforeAnythingElseRuns(string folder, int exit, string expected)
    {
        // Where the T5 and Llama cases write their folder (the missing path leaves it empty); deleted when the test ends.
        using var written = new TempFolder("pk-bad-local-model-");
        if (folder == "T5")
        {
            // A folder of an architecture this build does not run: the loader names the field.
            folder = written.Path;
            File.Copy(Path.Combine(TinyFolder.Value, "model.safetensors"), Path.Combine(folder, "model.safetensors"));
            await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), """{"model_type": "t5"}""");
        }
        else if (folder == "LLAMA-WITHOUT-TOKENIZER")
        {
            // A Llama checkpoint whose tokenizer was not downloaded: GPT-2's would give wrong ids, so it is refused.
            folder = written.Path;
            foreach (string file in new[] { "config.json", "model.safetensors" })
            {
                File.Copy(Path.Combine(TinyLlamaFolder.Value, file), Path.Combine(folder, file));
            }
        }
        var run = await SampleRunner.Run("hello\n", "chat", "--local-model", folder);
        Assert.Equal(exit, run.Exit);
        Assert.StartsWith("SentimentChat: error: --local-model: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Contains("--local-model", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALocalModelAndAnEndpointTogetherAreBadUsage()
    {
        var run = await SampleRunner.Run("", "chat", "--local-model", "x", "--llm", "http://127.0.0.1:1/v1", "--llm-model", "m");
        Assert.Equal(ExitCodes.Rejected, run.Exit);
        Assert.Contains("give one", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplyThatDecodesToAnEscapeSequenceIsShownEscaped()
    {
        // A model's tokens can decode to anything: the chat must not hand the terminal a control sequence.
        var console = new Spectre.Console.Testing.TestConsole();
        var loop = new ChatLoop(fixture.Outcome.Model, new HostileReplies(), new ConversationMood(), console);
        await loop.RunAsync(new StringReader("hello\n"), interactive: false);
        Assert.Contains("bot> \\x1b[2Jhi\\u202e", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', console.Output);
        Assert.DoesNotContain('\u202e', console.Output);
    }

    private sealed class HostileReplies : IReplyGenerator
    {
        public Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default) =>
            Task.FromResult("\u001b[2Jhi\u202e");
    }

    private static Prediction Classify(string text) => FakePredictions.Frustrated;

    /// <summary>A random GPT-2 folder: the full byte-level vocabulary (any text encodes), 16 channels, one layer, 512 positions.</summary>
    private static string WriteTinyGpt2()
    {
        string folder = TempFolder.ForTheProcess("pk-tiny-gpt2-");
        Gpt2Model.Create(new Gpt2Config(50257, 512, 16, 1, 2), seed: 9).Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"),
            """{"model_type": "gpt2", "n_layer": 1, "n_head": 2, "n_embd": 16, "vocab_size": 50257, "n_positions": 512, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        return folder;
    }

    /// <summary>
    /// A random Llama folder (32,000 tokens, 16 channels, one layer, tied embeddings) with Llama 2's SentencePiece
    /// tokenizer and TinyLlama's chat template (copied from ParameterKit.Tests' tokenizer fixtures).
    /// </summary>
    private static string WriteTinyLlama()
    {
        string folder = TempFolder.ForTheProcess("pk-tiny-llama-");
        LlamaModel.Create(new LlamaConfig(32000, 16, 24, 1, 2, 1, TieEmbeddings: true) { ContextLength = 512 }, seed: 9)
            .Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"),
            """{"model_type": "llama", "vocab_size": 32000, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 512, "rms_norm_eps": 1e-05, "tie_word_embeddings": true}""");
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "llama2-tokenizer")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
