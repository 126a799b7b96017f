using SentimentChat.Web.Conversations;
using SentimentChat.Web.Hosting;
using SentimentChat.Web.Replies;

namespace SentimentChat.Web.Tests;

/// <summary>The store's bounds: expiry on a fake clock, the sweep, the cap on conversations.</summary>
public sealed class ConversationStoreTests
{
    private static ConversationStore Store(WebChatOptions options, TimeProvider time) =>
        new(options, time, mood => new TemplateChatClient(mood, TimeSpan.Zero, time));

    [Fact]
    public void The_sweep_forgets_idle_conversations_without_being_asked_for_them()
    {
        var time = new FakeTimeProvider();
        var store = Store(new WebChatOptions { IdleTimeout = TimeSpan.FromMinutes(10), SweepInterval = TimeSpan.FromMinutes(1) }, time);
        for (int i = 0; i < 5; i++)
        {
            store.Start();
        }
        var kept = store.Start()!;

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Same(kept, store.Find(kept.Id));
        time.Advance(TimeSpan.FromMinutes(2));
        // Any request sweeps: the five idle ones go, the one touched two minutes ago stays.
        store.Start();

        Assert.Equal(2, store.Count);
        Assert.Same(kept, store.Find(kept.Id));
    }

    [Fact]
    public void Expiry_is_exact_even_between_sweeps()
    {
        var time = new FakeTimeProvider();
        var store = Store(new WebChatOptions { IdleTimeout = TimeSpan.FromMinutes(10), SweepInterval = TimeSpan.FromHours(1) }, time);
        var conversation = store.Start()!;

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(store.Find(conversation.Id));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void No_more_than_the_cap_live_at_once_and_expired_ones_make_room()
    {
        var time = new FakeTimeProvider();
        var store = Store(new WebChatOptions { MaxConversations = 3, IdleTimeout = TimeSpan.FromMinutes(10) }, time);
        for (int i = 0; i < 3; i++)
        {
            Assert.NotNull(store.Start());
        }

        Assert.Null(store.Start());
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(store.Start());
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Ids_are_distinct_and_unguessable_length()
    {
        var store = Store(new WebChatOptions(), new FakeTimeProvider());
        var ids = Enumerable.Range(0, 200).Select(_ => store.Start()!.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

}
