using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;

namespace SentimentChat.Tests;

/// <summary>What of a conversation goes to the language model: system messages, then the latest turns that fit, from a user's message.</summary>
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
        // Then forward to the first user message at or after the start, unless only the last message is left.
        while (turns.Count > 0 && start < turns[^1] && history[start].Role != ChatRole.User)
        {
            start++;
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

    [Fact]
    public void TheWindowOpensOnAUsersMessageNotOnAReplyWhoseQuestionWasDropped()
    {
        List<ChatMessage> history = [new(ChatRole.User, new string('q', 50)), new(ChatRole.Assistant, "a1"), new(ChatRole.User, "q2"), new(ChatRole.Assistant, "a2"), new(ChatRole.User, "q3")];
        Assert.Equal(history[2..], HistoryWindow.Recent(history, 10));
    }
}
