using SentimentChat.Chat;
using SentimentChat.Model;
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
    [InlineData("sure, go ahead")]
    [InlineData("yes, a manager")]
    [InlineData("yes. also the app is broken")]
    [InlineData("yes!! finally")]
    [InlineData("sure, why not")]
    [InlineData("yes please, as soon as possible, I have been waiting for three weeks and I am done with this")]
    public void A_plain_yes_accepts(string message) => Assert.Equal(OfferAnswer.Accepted, OfferAnswers.Read(message));

    [Theory]
    [InlineData("no")]
    [InlineData("No thanks.")]
    [InlineData("no, thank you")]
    [InlineData("not now")]
    [InlineData("I\u2019m fine")]
    [InlineData("nope")]
    [InlineData("no, just fix it")]
    [InlineData("no thanks, just tell me when I get my money")]
    [InlineData("no, I'm fine")]
    [InlineData("no, I just want my money back")]
    [InlineData("I'm good")]
    public void A_plain_no_declines(string message) => Assert.Equal(OfferAnswer.Declined, OfferAnswers.Read(message));

    [Theory]
    [InlineData("where is my parcel")]
    [InlineData("")]
    [InlineData("???")]
    [InlineData("ok but it's still broken")]
    [InlineData("thanks")]
    [InlineData("please tell me where my parcel is, I have been waiting for three weeks and nobody answers")]
    public void Anything_more_is_no_answer(string message) => Assert.Equal(OfferAnswer.None, OfferAnswers.Read(message));

    // A trigger the policy offers a person for, whatever the label, and that is not itself a request for one.
    private const string Repeated = "this is the third time I'm writing about this";

    [Fact]
    public void Only_a_pending_offer_is_answered_and_a_yes_sticks()
    {
        var mood = new ConversationMood();
        mood.Add("yes", Other);   // nothing was offered: "yes" is just a message
        Assert.Equal(OfferAnswer.None, mood.OfferAnswer);

        mood.Add(Repeated, Other);
        Assert.True(mood.OfferHuman);
        mood.Add("yes please", Other);
        Assert.Equal(OfferAnswer.Accepted, mood.OfferAnswer);
        Assert.True(mood.HandOffNow);
        Assert.True(mood.HumanAccepted);

        mood.Add(Repeated, Other);
        Assert.False(mood.OfferHuman);   // nobody offers what has been granted
        mood.Add("yes", Other);
        Assert.Equal(OfferAnswer.None, mood.OfferAnswer);
        Assert.False(mood.HandOffNow);
    }

    [Fact]
    public void A_declined_offer_is_not_made_again_unless_the_customer_threatens_to_leave()
    {
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        Assert.True(mood.OfferHuman);
        mood.Add("no thanks, just tell me when I get my money", Frustrated);
        Assert.Equal(OfferAnswer.Declined, mood.OfferAnswer);
        mood.Add(Repeated, Frustrated);
        Assert.True(mood.ShouldOfferEscalation);
        Assert.False(mood.OfferHuman);
        mood.Add("cancel my subscription, this is the last straw", Frustrated);
        Assert.Equal(EscalationReason.ThreatToLeave, mood.Escalation);
        Assert.True(mood.OfferHuman);
    }

    [Fact]
    public void The_template_answers_the_answer()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add(Repeated, Other);
        Assert.EndsWith(TemplateReplyGenerator.EscalationOffer, Reply(replies, Repeated, mood), StringComparison.Ordinal);

        mood.Add("no thanks", Positive);
        string declined = Reply(replies, "no thanks", mood);
        Assert.StartsWith("All right, I'll keep helping you here.", declined, StringComparison.Ordinal);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, declined, StringComparison.Ordinal);

        // After a "no" no offer stands, so a request is confirmed, not granted outright.
        mood.Add("I want to speak to a manager", Frustrated);
        Assert.Equal($"Of course. {TemplateReplyGenerator.EscalationOffer}", Reply(replies, "I want to speak to a manager", mood, Frustrated));
        mood.Add("yes", Other);
        Assert.Equal(TemplateReplyGenerator.HandOff, Reply(replies, "yes", mood));

        mood.Add("this is taking forever", Frustrated);
        string waiting = Reply(replies, "this is taking forever", mood, Frustrated);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, waiting, StringComparison.Ordinal);
        Assert.Contains("with you shortly", waiting, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offer_the_customer_passed_over_is_made_more_briefly()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        Assert.Contains(TemplateReplyGenerator.EscalationOffer, Reply(replies, Repeated, mood, Frustrated), StringComparison.Ordinal);
        mood.Add(Repeated, Frustrated);
        string again = Reply(replies, Repeated, mood, Frustrated);
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, again, StringComparison.Ordinal);
        Assert.Contains("just say yes", again, StringComparison.Ordinal);
        mood.Add("yes", Other);
        Assert.True(mood.HandOffNow);
    }

    [Theory]
    [InlineData("this is ridiculous, I want to talk to a manager")]
    [InlineData("can I speak to a real person please")]
    [InlineData("just get me a supervisor")]
    public void A_request_for_a_person_answering_the_offer_is_a_yes(string request)
    {
        // It was answered with the same question again ("Of course. Would you like me to connect you ...?"), so the
        // customer had to ask a third time.
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        Assert.True(mood.OfferHuman);
        mood.Add(request, Frustrated);
        Assert.True(mood.HandOffNow);
        Assert.Equal(TemplateReplyGenerator.HandOff, Reply(replies, request, mood, Frustrated));
        Assert.False(mood.OfferHuman);
    }

    [Fact]
    public void A_request_for_a_person_counts_as_a_yes_as_long_as_the_offer_stands()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        mood.Add("it's order 4471", Other);   // answers the bot's question, not the offer, which still stands
        Assert.True(mood.OfferStanding);
        mood.Add("let me talk to someone in charge", Frustrated);
        Assert.True(mood.HandOffNow);
        Assert.Equal(TemplateReplyGenerator.HandOff, Reply(replies, "let me talk to someone in charge", mood, Frustrated));
    }

    [Theory]
    [InlineData("I don't need a manager, I need my refund")]
    [InlineData("where is my refund")]
    public void Turning_a_person_down_or_carrying_on_while_the_offer_stands_is_no_yes(string message)
    {
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        mood.Add(message, Frustrated);
        Assert.False(mood.HandOffNow);
        Assert.False(mood.HumanAccepted);
    }

    private static string Reply(TemplateReplyGenerator replies, string message, ConversationMood mood, Prediction? prediction = null) =>
        replies.ReplyAsync(message, prediction ?? Other, mood).GetAwaiter().GetResult();
}
