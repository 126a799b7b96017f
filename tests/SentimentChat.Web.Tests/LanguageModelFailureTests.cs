using System.Diagnostics;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>
/// The web chat against a language model that misbehaves: whatever it does, the customer gets a reply of bounded
/// size or the <c>error</c> event, in bounded time, and the server logs one warning, not an unhandled exception.
/// </summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class LanguageModelFailureTests(TrainedClassifierFixture model)
{
    private const string CouldNotAnswer = "could not answer";

    private static readonly WebChatOptions Defaults = new() { TemplateTokenDelay = TimeSpan.Zero };

    [Fact]
    public async Task A_well_behaved_model_streams_its_reply_and_is_asked_for_a_bounded_one()
    {
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            foreach (string piece in new[] { "Sorry ", "about ", "that." })
            {
                await FakeLanguageModel.WriteAsync(context, FakeLanguageModel.Delta(piece));
            }
            await FakeLanguageModel.WriteAsync(context, "data: [DONE]\n\n");
        });
        var (events, server) = await SayAsync(llm, Defaults);
        await using var _ = server;

        Assert.Equal("done", events[^1].Type);
        Assert.Equal("Sorry about that.", events[^1].Data.GetProperty("reply").GetString());
        // The model is asked for a chat-sized reply (the OpenAI client sends MaxOutputTokens as max_completion_tokens).
        Assert.Contains($"\"max_completion_tokens\":{Defaults.MaxReplyTokens}", Assert.Single(llm.Requests), StringComparison.Ordinal);
        server.AssertNoProblems();
    }

    [Fact]
    public async Task A_stream_that_never_ends_is_cut_at_the_character_cap()
    {
        // It used to be read to the end: 4.5 GB, then an OutOfMemoryException.
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            string piece = FakeLanguageModel.Delta(string.Concat(Enumerable.Repeat("word ", 200)));
            while (true)
            {
                await FakeLanguageModel.WriteAsync(context, piece);
            }
        });
        var options = Defaults with { MaxReplyCharacters = 2500 };
        var (events, server) = await SayAsync(llm, options);
        await using var _ = server;

        Assert.Equal("done", events[^1].Type);
        string reply = events[^1].Data.GetProperty("reply").GetString()!;
        Assert.Equal(options.MaxReplyCharacters + " …".Length, reply.Length);
        Assert.EndsWith(" …", reply, StringComparison.Ordinal);
        Assert.Equal(reply, ServerSentEvents.Tokens(events));
        Assert.Contains(server.Log.Problems, p => p.Contains("was cut at 2500 characters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_response_that_never_becomes_text_is_an_error_once_it_passes_the_byte_cap()
    {
        // One endless line: the client buffers it whole looking for its end, so the character cap never sees it.
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            await FakeLanguageModel.WriteAsync(context, "data: {\"choices\":[{\"delta\":{\"content\":\"");
            string block = new('a', 65536);
            while (true)
            {
                await FakeLanguageModel.WriteAsync(context, block);
            }
        });
        var (events, server) = await SayAsync(llm, Defaults);
        await using var _ = server;

        AssertError(events);
        Assert.Contains(server.Log.Problems, p => p.Contains("passed 4194304 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_that_stalls_mid_reply_is_an_error_after_the_timeout()
    {
        // The OpenAI client's read timeout is a TaskCanceledException, which the filter let through as unhandled:
        // a stack trace in the log, the response aborted, the page stuck.
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            await FakeLanguageModel.WriteAsync(context, FakeLanguageModel.Delta("Hello"));
            await FakeLanguageModel.WriteAsync(context, FakeLanguageModel.Delta(" there"));
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var (events, server) = await SayAsync(llm, Defaults with { LlmTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = server;

        Assert.Equal("Hello there", ServerSentEvents.Tokens(events));
        AssertError(events);
        Assert.All(server.Log.Problems, p => Assert.StartsWith("Warning SentimentChat.Web.Endpoints.ChatTurns: The reply client failed", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_that_never_answers_is_tried_twice_then_an_error()
    {
        // The OpenAI client's defaults (100 s, three retries) kept the customer waiting 400 s.
        await using var llm = await FakeLanguageModel.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var clock = Stopwatch.StartNew();
        var (events, server) = await SayAsync(llm, Defaults with { LlmTimeout = TimeSpan.FromSeconds(1) });
        await using var _ = server;

        AssertError(events);
        Assert.Equal(2, llm.Requests.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_reply_still_going_at_the_time_limit_is_cut_there()
    {
        // Comments keep the connection alive, so the read timeout never fires: only the whole reply's limit ends it.
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            await FakeLanguageModel.WriteAsync(context, FakeLanguageModel.Delta("Let me check"));
            while (true)
            {
                await FakeLanguageModel.WriteAsync(context, ":\n\n");
                await Task.Delay(100, context.RequestAborted);
            }
        });
        var (events, server) = await SayAsync(llm, Defaults with { MaxReplyTime = TimeSpan.FromSeconds(1) });
        await using var _ = server;

        Assert.Equal("done", events[^1].Type);
        Assert.Equal("Let me check …", events[^1].Data.GetProperty("reply").GetString());
        Assert.Contains(server.Log.Problems, p => p.Contains("the time limit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("text/event-stream", "data: [DONE]\n\n")]
    [InlineData("text/event-stream", "\u0001\u00ff garbage \n\n")]
    [InlineData("text/html", "<!doctype html><html><body><h1>Welcome to my blog</h1></body></html>\n")]
    [InlineData("text/event-stream", "data: {\"choices\":[{\"delta\":{\"content\":\"  \\n \"}}]}\n\ndata: [DONE]\n\n")]
    public async Task A_response_without_text_is_an_error_not_an_empty_reply(string contentType, string body)
    {
        // Each of these became an empty "successful" reply, recorded in the conversation's history.
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            context.Response.ContentType = contentType;
            await FakeLanguageModel.WriteAsync(context, body);
        });
        var (events, server) = await SayAsync(llm, Defaults);
        await using var _ = server;

        AssertError(events);
        Assert.Contains(server.Log.Problems, p => p.Contains("sent no text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_conversation_sends_the_model_only_its_latest_turns()
    {
        // Every request carried the whole conversation: 40 turns of long replies outgrow an 8k-token context.
        string longReply = string.Concat(Enumerable.Repeat("We are looking into it. ", 150));
        await using var llm = await FakeLanguageModel.StartAsync(async context =>
        {
            await FakeLanguageModel.BeginStreamAsync(context);
            await FakeLanguageModel.WriteAsync(context, FakeLanguageModel.Delta(longReply));
            await FakeLanguageModel.WriteAsync(context, "data: [DONE]\n\n");
        });
        var options = Defaults with { MaxHistoryCharacters = 10_000 };
        await using var server = await LoopbackServer.StartAsync(model.Classifier, options with { LlmEndpoint = llm.Endpoint, LlmModel = "fake" });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        var api = new ChatApi(http);
        string id = await api.StartAsync();
        for (int turn = 0; turn < 12; turn++)
        {
            Assert.Equal("done", (await api.SayAsync(id, $"Message {turn}: where is my parcel?"))[^1].Type);
        }

        string last = llm.Requests.Last();
        // The system messages, the latest message and as many earlier turns as fit in 10,000 characters (two replies
        // of 3,600 do; three do not), instead of all 23 earlier messages.
        Assert.Contains("Message 11:", last, StringComparison.Ordinal);
        Assert.Contains("Message 10:", last, StringComparison.Ordinal);
        Assert.DoesNotContain("Message 8:", last, StringComparison.Ordinal);
        Assert.Contains("concise, kind customer-service agent", last, StringComparison.Ordinal);
        Assert.True(last.Length < 2 * options.MaxHistoryCharacters, $"a request of {last.Length:N0} characters");
        server.AssertNoProblems();
    }

    /// <summary>Starts the web chat answering through <paramref name="llm"/>, sends one message and returns its events.</summary>
    private async Task<(List<ServerSentEvent> Events, LoopbackServer Server)> SayAsync(FakeLanguageModel llm, WebChatOptions options)
    {
        var server = await LoopbackServer.StartAsync(model.Classifier, options with { LlmEndpoint = llm.Endpoint, LlmModel = "fake" });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        var api = new ChatApi(http);
        string id = await api.StartAsync();
        var events = await api.SayAsync(id, "Where is my parcel?");
        Assert.Equal("turn", events[0].Type);
        return (events, server);
    }

    private static void AssertError(List<ServerSentEvent> events)
    {
        Assert.Equal("error", events[^1].Type);
        Assert.Contains(CouldNotAnswer, events[^1].Data.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Type == "done");
    }
}
