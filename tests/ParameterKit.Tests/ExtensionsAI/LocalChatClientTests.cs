using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using ParameterKit.Extensions.AI;
using ParameterKit.Models.Gpt2;
using ParameterKit.Tests.Transformers;
using ParameterKit.Transformers;

namespace ParameterKit.Tests.ExtensionsAI;

/// <summary>
/// <see cref="LocalChatClient"/> over a scripted model (whose reply is known, so text, usage and finish reasons are
/// exact) and over a tiny random GPT-2 (whose reply is noise, so the tests check what the options do to it).
/// </summary>
public sealed class LocalChatClientTests
{
    private static readonly Tokenizer Gpt2Tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
    private static readonly ChatMessage[] Question = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Count to three.")];
    private static readonly string Prompt = ChatTranscript.Render(Question);

    [Fact]
    public async Task AResponseCarriesTheReplyItsUsageAndWhyItStopped()
    {
        using var chat = Scripted(" One, two, three.");
        var response = await chat.GetResponseAsync(Question);
        Assert.Equal(" One, two, three.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(Gpt2Tokenizer.EncodeToIds(Prompt).Count, response.Usage?.InputTokenCount);
        Assert.Equal(Gpt2Tokenizer.EncodeToIds(" One, two, three.").Count, response.Usage?.OutputTokenCount);
        Assert.Equal(response.Usage?.InputTokenCount + response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount);
        Assert.Equal("scripted", response.ModelId);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);

        var cut = await chat.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal(" One,", cut.Text);
        Assert.Equal(ChatFinishReason.Length, cut.FinishReason);
        Assert.Equal(2, cut.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task StreamingYieldsThePiecesThenTheFinishReasonAndUsage()
    {
        using var chat = Scripted(" One, two, three.");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question))
        {
            updates.Add(update);
        }
        Assert.True(updates.Count > 3, $"{updates.Count} updates");
        Assert.Equal(" One, two, three.", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task StopSequencesFromTheRequestAndTheTranscriptEndTheReplyBeforeThem()
    {
        using var chat = Scripted(" One, two, three.\nUser: Now four.");
        var response = await chat.GetResponseAsync(Question);
        Assert.Equal(" One, two, three.", response.Text);   // the transcript's "\nUser:"
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        var early = await chat.GetResponseAsync(Question, new ChatOptions { StopSequences = ["o, t"] });
        Assert.Equal(" One, tw", early.Text);   // "o, t" spans " two" and "," and " three"'s tokens
        Assert.Equal(ChatFinishReason.Stop, early.FinishReason);
    }

    [Fact]
    public async Task TheRendererSeesInstructionsAsALeadingSystemMessage()
    {
        var seen = new List<IReadOnlyList<ChatMessage>>();
        using var chat = new LocalChatClient(ScriptedModel.For(Gpt2Tokenizer, Prompt, " Hi."), Gpt2Tokenizer,
            messages => { seen.Add(messages); return Prompt; }, GenerationOptions.Greedy(8) with { StopTokens = [ScriptedModel.EndOfText] });
        await chat.GetResponseAsync(Question, new ChatOptions { Instructions = "Answer in French." });
        var rendered = Assert.Single(seen);
        Assert.Equal(new[] { "Answer in French.", "Be brief.", "Count to three." }, rendered.Select(m => m.Text));
        Assert.Equal(ChatRole.System, rendered[0].Role);
    }

    [Fact]
    public async Task CancellingAStreamStopsGeneration()
    {
        using var chat = Scripted(" One, two, three, four, five, six.");
        using var cancel = new CancellationTokenSource();
        int pieces = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(Question, cancellationToken: cancel.Token))
            {
                pieces++;
                await cancel.CancelAsync();
            }
        });
        Assert.Equal(1, pieces);
        // The client is free again for the next request.
        Assert.Equal(" One, two, three, four, five, six.", (await chat.GetResponseAsync(Question)).Text);
    }

    [Fact]
    public async Task DisposingWhileBusyEndsTheWaitingRequestsAndLetsTheRunningOneFinish()
    {
        // Before: Dispose disposed the gate, so a request waiting its turn never completed (a hang) and the running one
        // lost its finished reply to an ObjectDisposedException from the gate's release.
        var chat = Scripted(" One, two, three.");
        await using var running = chat.GetStreamingResponseAsync(Question).GetAsyncEnumerator();
        Assert.True(await running.MoveNextAsync());   // holds the turn: the first piece is out, the rest not yet read
        Task<ChatResponse> waiting = chat.GetResponseAsync(Question);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        chat.Dispose();
        Task finished = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.Same(waiting, finished);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        string text = running.Current.Text;
        while (await running.MoveNextAsync())
        {
            text += running.Current.Text;
        }
        Assert.Equal(" One, two, three.", text);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => chat.GetResponseAsync(Question));
        chat.Dispose();   // twice is harmless
    }

    [Fact]
    public async Task TwoClientsOverOneModelTakeTurnsInsteadOfFailingMidReply()
    {
        // A model runs one pass at a time (a second thread gets InvalidOperationException from it), so the turn is the
        // model's, not the client's: a request through another client over the same model waits too.
        ICausalLanguageModel model = ScriptedModel.For(Gpt2Tokenizer, Prompt, " One, two, three.");
        var defaults = ChatTranscript.Defaults with { Temperature = 0f, StopTokens = [ScriptedModel.EndOfText] };
        using var first = new LocalChatClient(model, Gpt2Tokenizer, ChatTranscript.Render, defaults);
        using var second = new LocalChatClient(model, Gpt2Tokenizer, ChatTranscript.Render, defaults);
        await using (var running = first.GetStreamingResponseAsync(Question).GetAsyncEnumerator())
        {
            Assert.True(await running.MoveNextAsync());
            Task<ChatResponse> waiting = second.GetResponseAsync(Question);
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted);
            while (await running.MoveNextAsync())
            {
            }
            Assert.Equal(" One, two, three.", (await waiting).Text);
        }

        ChatResponse[] replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).GetResponseAsync(Question))));
        Assert.All(replies, reply => Assert.Equal(" One, two, three.", reply.Text));
    }

    [Fact]
    public async Task ANullMessageAndBadOptionsAreNamedAsTheCallerWroteThem()
    {
        // Before: a null message was a NullReferenceException, and bad options were named MaxNewTokens and StopStrings.
        using var chat = Scripted(" One.");
        ChatMessage[] withNull = [Question[0], null!];
        Assert.Contains("Message 1 is null", (await Assert.ThrowsAsync<ArgumentException>(() => chat.GetResponseAsync(withNull))).Message, StringComparison.Ordinal);
        Assert.Contains("Message 1 is null", Assert.Throws<ArgumentException>(() => ChatTranscript.Render(withNull)).Message, StringComparison.Ordinal);
        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => chat.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = -1 }));
        Assert.Contains("ChatOptions.MaxOutputTokens", negative.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => chat.GetResponseAsync(Question, new ChatOptions { StopSequences = [""] }));
        Assert.Contains("ChatOptions.StopSequences", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolsAreRefusedAndServicesAreFound()
    {
        using var chat = Scripted(" Hi.");
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 42, "answer")] };
        await Assert.ThrowsAsync<NotSupportedException>(() => chat.GetResponseAsync(Question, options));
        Assert.Equal("scripted", chat.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Same(chat.Model, chat.GetService<ICausalLanguageModel>());
        Assert.Same(chat, chat.GetService<LocalChatClient>());
        Assert.Null(chat.GetService<ChatClientMetadata>("keyed"));
    }

    [Fact]
    public async Task ATinyRandomGpt2RepliesReproduciblyFromTheSeed()
    {
        var model = Gpt2Model.Create(new Gpt2Config(50257, 96, 16, 1, 2), seed: 3);
        using var chat = new LocalChatClient(model, Gpt2Tokenizer, ChatTranscript.Render, ChatTranscript.Defaults with { StopTokens = [50256] }, "tiny");
        var options = new ChatOptions { Temperature = 1.2f, TopK = 50, TopP = 0.95f, Seed = 7, MaxOutputTokens = 12 };
        var first = await chat.GetResponseAsync(Question, options);
        var again = await chat.GetResponseAsync(Question, options);
        var other = await chat.GetResponseAsync(Question, new ChatOptions { Temperature = 1.2f, TopK = 50, TopP = 0.95f, Seed = 8, MaxOutputTokens = 12 });
        Assert.Equal(first.Text, again.Text);
        Assert.NotEqual(first.Text, other.Text);
        Assert.InRange(first.Usage!.OutputTokenCount!.Value, 1, 12);

        // Top-k 1 is greedy whatever the temperature; so is temperature 0.
        var topOne = await chat.GetResponseAsync(Question, new ChatOptions { Temperature = 2f, TopK = 1, Seed = 1, MaxOutputTokens = 12 });
        var greedy = await chat.GetResponseAsync(Question, new ChatOptions { Temperature = 0f, MaxOutputTokens = 12 });
        Assert.Equal(greedy.Text, topOne.Text);

        // The streamed pieces are the response's text.
        var streamed = new List<string>();
        await foreach (var update in chat.GetStreamingResponseAsync(Question, options))
        {
            streamed.Add(update.Text);
        }
        Assert.Equal(first.Text, string.Concat(streamed));
    }

    [Fact]
    public async Task ALongConversationLosesItsOldestExchangesOnlyWhenAsked()
    {
        // 96 positions; each exchange renders to about 20 tokens, so six of them overflow the context.
        var model = Gpt2Model.Create(new Gpt2Config(50257, 96, 16, 1, 2), seed: 3);
        List<ChatMessage> conversation = [new(ChatRole.System, "Be brief.")];
        for (int turn = 0; turn < 6; turn++)
        {
            conversation.Add(new(ChatRole.User, $"Question number {turn}: what is a parameter, really?"));
            conversation.Add(new(ChatRole.Assistant, $"Answer number {turn}: a number the model learns."));
        }
        conversation.Add(new(ChatRole.User, "And a bias?"));
        Assert.True(Gpt2Tokenizer.EncodeToIds(ChatTranscript.Render(conversation)).Count > 96);
        var options = new ChatOptions { Temperature = 0f, MaxOutputTokens = 30 };

        using var strict = new LocalChatClient(model, Gpt2Tokenizer, ChatTranscript.Render, ChatTranscript.Defaults, "tiny");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => strict.GetResponseAsync(conversation, options));
        Assert.StartsWith("The conversation makes a prompt of", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the model's context holds 96", refused.Message, StringComparison.Ordinal);

        var rendered = new List<IReadOnlyList<ChatMessage>>();
        using var trimming = new LocalChatClient(model, Gpt2Tokenizer, m => { rendered.Add([.. m]); return ChatTranscript.Render(m); },
            ChatTranscript.Defaults, "tiny") { DropOldestMessagesToFit = true };
        var response = await trimming.GetResponseAsync(conversation, options);
        var sent = rendered[^1];
        Assert.Equal(14, conversation.Count);   // the caller's list is left alone
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Equal(ChatRole.User, sent[1].Role);   // an exchange goes whole: the user still speaks first
        Assert.Equal("And a bias?", sent[^1].Text);
        Assert.Equal(conversation[^sent.Count..].Skip(1).Select(m => m.Text), sent.Skip(1).Select(m => m.Text));
        // The prompt leaves room for the 30 tokens asked, and no more was dropped than that needed.
        Assert.InRange(response.Usage!.InputTokenCount!.Value, 1, 96 - 30);
        var oneMoreExchange = conversation[^(sent.Count + 2)..].Skip(1).Prepend(conversation[0]).ToList();
        Assert.True(Gpt2Tokenizer.EncodeToIds(ChatTranscript.Render(oneMoreExchange)).Count > 96 - 30);

        // A last message longer than the context cannot be helped.
        List<ChatMessage> tooLong = [new(ChatRole.System, "Be brief."), new(ChatRole.User, string.Concat(Enumerable.Repeat("parameter ", 120)))];
        var alone = await Assert.ThrowsAsync<ArgumentException>(() => trimming.GetResponseAsync(tooLong, options));
        Assert.StartsWith("The last message makes a prompt of", alone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTranscriptGivesEachMessageAParagraphAndEndsWithTheAssistantsCue()
    {
        Assert.Equal("System: Be brief.\n\nUser: Count to three.\n\nAssistant:", Prompt);
        Assert.Equal("Assistant: ok\n\nTool: 3\n\nAssistant:",
            ChatTranscript.Render([new(ChatRole.Assistant, " ok "), new(ChatRole.Tool, "3")]));
    }

    private static LocalChatClient Scripted(string reply) =>
        new(ScriptedModel.For(Gpt2Tokenizer, Prompt, reply), Gpt2Tokenizer, ChatTranscript.Render,
            ChatTranscript.Defaults with { Temperature = 0f, StopTokens = [ScriptedModel.EndOfText] }, "scripted");
}
