using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>
/// Fifty visitors at once, ten messages each, over real sockets: every message gets its whole answer and every
/// conversation keeps its own count. (Latency is measured by benchmarks/SentimentChat.Load, not asserted here.)
/// </summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class ConcurrentConversationsTests(TrainedClassifierFixture model)
{
    private static readonly string[] Script =
    [
        TrainedClassifierFixture.Complaint, "My order number is 12345.", TrainedClassifierFixture.Anger, "Can you check the delivery?",
        "I was charged twice for it.", "Still nothing after a week.", TrainedClassifierFixture.Thanks, "Where is my refund?",
        "ok", "Thanks, bye.",
    ];

    [Fact]
    public async Task Fifty_conversations_of_ten_turns_at_once_all_complete()
    {
        await using var server = await LoopbackServer.StartAsync(model.Classifier, new WebChatOptions { TemplateTokenDelay = TimeSpan.Zero });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        var api = new ChatApi(http);

        var conversations = await Task.WhenAll(Enumerable.Range(0, 50).Select(async visitor =>
        {
            string id = await api.StartAsync();
            var replies = new List<string>();
            for (int turn = 0; turn < Script.Length; turn++)
            {
                var events = await api.SayAsync(id, Script[(turn + visitor) % Script.Length]);
                server.AssertNoProblems();
                Assert.Equal("turn", events[0].Type);
                Assert.Equal(turn + 1, events[0].Data.GetProperty("turn").GetInt32());
                Assert.Equal("done", events[^1].Type);
                replies.Add(events[^1].Data.GetProperty("reply").GetString()!);
            }
            return (id, replies);
        }));

        Assert.Equal(50, conversations.Select(c => c.id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(conversations, c => Assert.All(c.replies, r => Assert.False(string.IsNullOrWhiteSpace(r))));
        foreach (var (id, _) in conversations)
        {
            Assert.Equal(Script.Length, (await api.SummaryAsync(id)).GetProperty("turns").GetInt32());
        }
    }
}
