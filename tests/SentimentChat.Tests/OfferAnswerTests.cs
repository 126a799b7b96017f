using SentimentChat.Chat;
using static SentimentChat.Tests.FakePredictions;

namespace SentimentChat.Tests;

/// <summary>A plain yes or no after the offer of a person answers the offer; anything more is a message like any other.</summary>
public sealed class OfferAnswerTests
{
    [Theory]
    [InlineData("yes")]
    [InlineData("Yes please!")]
    [InlineData("yes, thank you")]
    [InlineData("ok")]
    [InlineData("sure thing")]
    [InlineData("Yeah")]
    [InlineData("please do")]
    [InlineData("connect me")]
    [InlineData("a real person please")]
    [InlineData("YES")]
    [InlineData("yes yes")]
    [InlineData("oh yes please, thanks")]
    public void A_plain_yes_accepts(string message) => Assert.Equal(OfferAnswer.Accepted, OfferAnswers.Read(message));

    [Theory]
    [InlineData("no")]
    [InlineData("No thanks.")]
    [InlineData("no, thank you")]
    [InlineData("not now")]
    [InlineData("I\u2019m fine")]
    [InlineData("nope")]
    [InlineData("no, just fix it")]
    public void A_plain_no_declines(string message) => Assert.Equal(OfferAnswer.Declined, OfferAnswers.Read(message));

    [Theory]
    [InlineData("yes, and it is still broken")]
    [InlineData("no it's not fixed at all")]
    [InlineData("where is my parcel")]
    [InlineData("")]
    [InlineData("???")]
    [InlineData("yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes yes")]
    public void Anything_more_is_no_answer(string message) => Assert.Equal(OfferAnswer.None, OfferAnswers.Read(message));

    [Fact]
    public void Only_a_pending_offer_is_answered_and_a_yes_sticks()
    {
        var mood = new ConversationMood();
        mood.Add("yes", Other);   // nothing was offered: "yes" is just a message
        Assert.Equal(OfferAnswer.None, mood.OfferAnswer);

        mood.Add("I want to speak to a manager", Other);
        Assert.True(mood.ShouldOfferEscalation);
        mood.Add("yes please", Other);
        Assert.Equal(OfferAnswer.Accepted, mood.OfferAnswer);
        Assert.True(mood.HumanAccepted);

        mood.Add("I want to speak to a manager", Other);
        mood.Add("yes", Other);   // no second offer was made, so nothing to answer
        Assert.Equal(OfferAnswer.None, mood.OfferAnswer);
        Assert.True(mood.HumanAccepted);
    }

    [Fact]
    public void The_template_answers_the_answer()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add("I want to speak to a manager", Other);
        Assert.EndsWith(TemplateReplyGenerator.EscalationOffer, Reply(replies, "I want to speak to a manager", mood), StringComparison.Ordinal);

        mood.Add("no thanks", Positive);
        string declined = Reply(replies, "no thanks", mood);
        Assert.DoesNotContain("order number", declined, StringComparison.Ordinal);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, declined, StringComparison.Ordinal);

        mood.Add("I want to speak to a manager", Frustrated);
        mood.Add("yes", Other);
        Assert.Equal(TemplateReplyGenerator.HandOff, Reply(replies, "yes", mood));

        mood.Add("this is taking forever", Frustrated);
        string waiting = Reply(replies, "this is taking forever", mood);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, waiting, StringComparison.Ordinal);
        Assert.Contains("with you shortly", waiting, StringComparison.Ordinal);
    }

    private static string Reply(TemplateReplyGenerator replies, string message, ConversationMood mood) =>
        replies.ReplyAsync(message, Other, mood).GetAwaiter().GetResult();
}
