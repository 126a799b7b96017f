using SentimentChat.Chat;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The escalation metric on hand-made outcomes and conversations: the ±1 window, null cases, false and missed.</summary>
public sealed class EscalationScoreTests
{
    [Theory]
    // due, first offer, correct, false escalation, missed
    [InlineData(null, null, true, false, false)]
    [InlineData(null, 0, false, true, false)]
    [InlineData(null, 4, false, true, false)]
    [InlineData(2, 2, true, false, false)]
    [InlineData(2, 1, true, false, false)]
    [InlineData(2, 3, true, false, false)]
    [InlineData(2, 0, false, true, false)]
    [InlineData(2, 4, false, false, true)]
    [InlineData(2, null, false, false, true)]
    [InlineData(0, 0, true, false, false)]
    [InlineData(0, 1, true, false, false)]
    public void EachOutcomeIsCorrectFalseOrMissed(int? due, int? offer, bool correct, bool falseEscalation, bool missed)
    {
        Assert.Equal(correct, EscalationScore.IsCorrect(due, offer));
        Assert.Equal(falseEscalation, EscalationScore.IsFalseEscalation(due, offer));
        Assert.Equal(missed, EscalationScore.IsMissed(due, offer));
        Assert.Equal(1, (correct ? 1 : 0) + (falseEscalation ? 1 : 0) + (missed ? 1 : 0)); // the three partition the outcomes
    }

    [Fact]
    public void ComputeCountsEveryKind()
    {
        var score = EscalationScore.Compute([(null, null), (null, 1), (3, 2), (3, 0), (3, null), (1, 1)]);
        Assert.Equal(6, score.Conversations);
        Assert.Equal(3, score.Correct);
        Assert.Equal(2, score.FalseEscalations);
        Assert.Equal(1, score.Missed);
        Assert.Equal(2, score.NoneDue);
        Assert.Equal(1, score.NeedlessOffers); // (null, 1); the other false escalation, (3, 0), is early
        Assert.Equal(0.5, score.Accuracy, 12);
        Assert.Equal(0, EscalationScore.Compute([]).Accuracy);
    }

    private static LabeledText T(string text, int label) => new(text, label);

    [Fact]
    public void ConversationsAreReplayedThroughThePolicyWithTheirLabelsAsPredictions()
    {
        // The classifier stand-in returns each turn's own label, so only the policy is under test.
        var conversations = new List<LabeledConversation>
        {
            // Asks for a manager at turn 1: due 1, offered 1.
            new("request", [T("my refund has not arrived", Labels.Frustrated), T("I want to speak to a manager", Labels.Frustrated), T("ok", Labels.Other)], 1),
            // Resolved: one frustrated turn, then thanks.
            new("resolved", [T("the app crashed", Labels.Frustrated), T("that fixed it, thanks!", Labels.Positive), T("bye", Labels.Other)], null),
            // Neutral cancel question: no offer.
            new("neutral", [T("how do I cancel my order? wrong size", Labels.Other), T("thanks", Labels.Positive)], null),
            // Sustained frustration at turn 2, labelled due at 2.
            new("sustained", [T("hi", Labels.Other), T("my bill is wrong", Labels.Frustrated), T("that does not answer my question", Labels.Frustrated)], 2),
            // Due at 0, but the policy sees nothing until the frustration returns at turn 2 (two of the last three, a
            // neutral turn between): two turns late, missed.
            new("missed", [T("this is unacceptable", Labels.Frustrated), T("ok", Labels.Other), T("still broken", Labels.Frustrated), T("whatever", Labels.Frustrated)], 0),
        };
        var result = ConversationEvaluation.Run(conversations, text =>
            FakePredictions.Of(conversations.SelectMany(c => c.Turns).First(t => t.Text == text).Label));
        Assert.Equal(5, result.Escalation.Conversations);
        Assert.Equal(4, result.Escalation.Correct);
        Assert.Equal(0, result.Escalation.FalseEscalations);
        Assert.Equal(1, result.Escalation.Missed);
        Assert.Equal([1, null, null, 2, 2], result.FirstOffers.Select(o => o.FirstOffer));
        Assert.Equal(1.0, result.Turns.Accuracy, 12);
        Assert.Equal(15, Enumerable.Range(0, 3).Sum(c => result.Turns.Support(c)));
    }
}
