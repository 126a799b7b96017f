using SentimentChat.Chat;
using SentimentChat.Model;
using static SentimentChat.Tests.FakePredictions;

namespace SentimentChat.Tests;

/// <summary>A customer who has asked for a person can call it off ("never mind, it's sorted"); nothing else does.</summary>
public sealed class HandOffCallOffTests
{
    private const string Repeated = "this is the third time I'm writing about this";

    [Theory]
    [InlineData("never mind, it's sorted")]
    [InlineData("no need anymore, found it")]
    [InlineData("I don't need a person any more, thanks")]
    [InlineData("cancel that, it's working now")]
    [InlineData("Actually, don't bother, all good now")]
    [InlineData("you can cancel the agent request")]
    public void Calling_it_off_withdraws_the_request(string message) => Assert.True(HandOffCallOff.CallsOff(message));

    [Theory]
    [InlineData("how long will they be?")]
    [InlineData("I need the person now, this is urgent")]
    [InlineData("cancel my subscription")]
    [InlineData("ok")]
    [InlineData("my order number is 55120")]
    [InlineData("sorry for the bother, when will they join?")]
    public void Other_messages_while_waiting_do_not(string message) => Assert.False(HandOffCallOff.CallsOff(message));

    [Fact]
    public async Task A_called_off_hand_off_is_answered_once_and_not_offered_again_unless_asked()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add(Repeated, Frustrated);
        mood.Add("yes", Other);
        Assert.True(mood.HumanAccepted);

        mood.Add("never mind, it's sorted", Positive);
        Assert.True(mood.HandOffCalledOff);
        Assert.False(mood.HumanAccepted);
        Assert.Equal(TemplateReplyGenerator.HandOffCalledOff, await replies.ReplyAsync("never mind, it's sorted", Positive, mood));

        mood.Add("thanks", Positive);
        Assert.False(mood.HandOffCalledOff);
        mood.Add(Repeated, Frustrated);
        Assert.False(mood.OfferHuman);   // called off counts as a no: only a request or a threat brings the offer back
        mood.Add("I want to speak to a manager", Frustrated);
        Assert.True(mood.OfferHuman);
    }

    [Fact]
    public void Relief_before_anyone_was_asked_for_calls_nothing_off()
    {
        var mood = new ConversationMood();
        mood.Add("never mind, it's sorted", Positive);
        Assert.False(mood.HandOffCalledOff);
        Assert.False(mood.HumanDeclined);
    }
}
