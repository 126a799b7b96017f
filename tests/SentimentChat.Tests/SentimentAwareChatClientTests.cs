using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Model;

namespace SentimentChat.Tests;

/// <summary>The middleware, with a fake inner client that records what it was sent: no network.</summary>
public sealed class SentimentAwareChatClientTests
{
    private sealed class RecordingClient : IChatClient
    {
        public List<List<ChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Requests.Add(messages.ToList());
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Requests.Add(messages.ToList());
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "o");
            yield return new ChatResponseUpdate(ChatRole.Assistant, "k");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private static Prediction Fake(string text) => text.Contains("angry", StringComparison.Ordinal)
        ? new Prediction(0, [0.9f, 0.05f, 0.05f], 3, false)
        : new Prediction(1, [0.05f, 0.9f, 0.05f], 3, false);

    [Fact]
    public async Task AddsMoodAndToneInstructionsBeforeTheRequest()
    {
        using var inner = new RecordingClient();
        var mood = new ConversationMood();
        using var client = new SentimentAwareChatClient(inner, Fake, mood);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "I am angry, my order is late")]);
        var sent = Assert.Single(inner.Requests);
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Contains("frustrated", sent[0].Text, StringComparison.Ordinal);
        Assert.Contains("Apologize", sent[0].Text, StringComparison.Ordinal);
        Assert.Equal("I am angry, my order is late", sent[^1].Text);
        Assert.Equal(1, mood.Turns);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "still angry")]);
        Assert.Contains("human agent", inner.Requests[^1][0].Text, StringComparison.Ordinal); // second frustrated turn
    }

    [Fact]
    public async Task StreamingGetsTheSameInstructionsAndAPrecomputedPredictionIsReused()
    {
        using var inner = new RecordingClient();
        var mood = new ConversationMood();
        using var client = new SentimentAwareChatClient(inner, _ => throw new InvalidOperationException("must not classify again"), mood);
        var options = new ChatOptions { AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = Fake("thanks!") } };
        var text = string.Concat(await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "thanks!")], options).Select(u => u.Text).ToListAsync());
        Assert.Equal("ok", text);
        Assert.Contains("good mood", inner.Requests[0][0].Text, StringComparison.Ordinal);
        Assert.Equal(0, mood.Turns); // the caller that classified owns the mood
    }

    [Fact]
    public void NullArgumentsAreRefusedAtConstruction()
    {
        // They used to be accepted and fail later, at the first message, with a NullReferenceException.
        using var inner = new RecordingClient();
        var mood = new ConversationMood();
        Assert.Equal("innerClient", Assert.Throws<ArgumentNullException>(() => new SentimentAwareChatClient(null!, Fake, mood)).ParamName);
        Assert.Equal("classify", Assert.Throws<ArgumentNullException>(() => new SentimentAwareChatClient(inner, null!, mood)).ParamName);
        Assert.Equal("mood", Assert.Throws<ArgumentNullException>(() => new SentimentAwareChatClient(inner, Fake, null!)).ParamName);
    }
    [Fact]
    public async Task TheConsoleReplyGeneratorSendsAndKeepsOnlyTheLatestTurnsThatFit()
    {
        // The console chat has no turn limit: its history went whole to every request and grew for as long as the chat ran.
        var inner = new RecordingClient();
        var mood = new ConversationMood();
        using var replies = new ChatClientReplyGenerator(inner, Fake, mood);
        string message = new('m', 1000);
        for (int turn = 0; turn < 100; turn++)
        {
            await replies.ReplyAsync(message, Fake(message), mood);
        }
        int sent = inner.Requests[^1].Where(m => m.Role != ChatRole.System).Sum(m => m.Text.Length);
        Assert.InRange(sent, HistoryWindow.DefaultMaxCharacters - 1002, HistoryWindow.DefaultMaxCharacters);
        Assert.Equal(ChatRole.System, inner.Requests[^1][0].Role);
    }

    [Fact]
    public void A_yes_or_no_to_the_offer_of_a_person_is_passed_on_to_the_model()
    {
        const string repeated = "this is the third time I'm writing about this";
        var other = FakePredictions.Other;
        var mood = new ConversationMood();
        mood.Add(repeated, other);
        Assert.Contains("offer to connect them", SentimentAwareChatClient.ToneInstructions(other, mood), StringComparison.Ordinal);

        mood.Add("no thanks", other);
        Assert.Contains("just declined a human agent", SentimentAwareChatClient.ToneInstructions(other, mood), StringComparison.Ordinal);

        mood.Add("I want to speak to a manager", other);
        Assert.Contains("They asked for a person: offer", SentimentAwareChatClient.ToneInstructions(other, mood), StringComparison.Ordinal);
        mood.Add("yes please", other);
        Assert.Contains("They said yes to a human agent: confirm", SentimentAwareChatClient.ToneInstructions(other, mood), StringComparison.Ordinal);

        mood.Add(repeated, other);
        string later = SentimentAwareChatClient.ToneInstructions(other, mood);
        Assert.Contains("already been asked to join", later, StringComparison.Ordinal);
        Assert.DoesNotContain("offer to connect them", later, StringComparison.Ordinal);

        mood.Add("never mind, it's sorted now", other);
        Assert.Contains("just called off the human agent", SentimentAwareChatClient.ToneInstructions(other, mood), StringComparison.Ordinal);
    }
}
