using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;

namespace SentimentChat.Tests;

/// <summary>What of a conversation goes to the language model: system messages, then the latest turns that fit.</summary>
public sealed class HistoryWindowTests
{
    // The reference: try every start from the oldest on, and take the first whose messages fit (or the last message alone).
    private static List<ChatMessage> Reference(List<ChatMessage> history, int budget)
    {
        var turns = Enumerable.Range(0, history.Count).Where(i => history[i].Role != ChatRole.System).ToList();
        int start = turns.Count == 0 ? history.Count : turns[^1];
        for (int k = 0; k < turns.Count; k++)
        {
            if (turns.Skip(k).Sum(i => history[i].Text.Length) <= budget)
            {
                start = turns[k];
                break;
            }
        }
        return history.Where((m, i) => m.Role == ChatRole.System || i >= start).ToList();
    }

    [Fact]
    public void KeepsSystemMessagesAndTheLatestTurnsThatFit()
    {
        var roles = Gen.Elements(ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User);
        var messages = roles.SelectMany(role => Gen.Choose(0, 30).Select(n => new ChatMessage(role, new string('x', n))));
        var histories = Gen.Choose(0, 12).SelectMany(n => Gen.ListOf(messages, n)).Select(m => m.ToList());
        Prop.ForAll(histories.ToArbitrary(), Gen.Choose(1, 80).ToArbitrary(), (history, budget) =>
        {
            var window = HistoryWindow.Recent(history, budget);
            return window.SequenceEqual(Reference(history, budget));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TheMessageBeingAnsweredIsKeptWhateverItsLength()
    {
        List<ChatMessage> history = [new(ChatRole.System, "be kind"), new(ChatRole.User, "hi"), new(ChatRole.User, new string('y', 500))];
        Assert.Equal([history[0], history[2]], HistoryWindow.Recent(history, 100));
    }
}
