using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The few praise phrases that can only be sarcastic, and the sincere ones that must stay praise.</summary>
public sealed class SarcasticPraiseTests
{
    [Theory]
    [InlineData("thanks for nothing")]
    [InlineData("Thank you so much for nothing, honestly")]
    [InlineData("two hours on hold and the line dropped. love that for me")]
    [InlineData("great job losing my parcel twice")]
    [InlineData("Well done on ignoring three emails")]
    [InlineData("nice work double-charging me")]
    [InlineData("great, another week of waiting")]
    [InlineData("oh wonderful. ANOTHER delay.")]
    [InlineData("Perfect, yet another automated reply")]
    [InlineData("brilliant, just another two weeks of waiting for a refund")]
    [InlineData("lovely - one more surprise fee on my bill")]
    [InlineData("awesome, a third cancelled flight")]
    [InlineData("oh joy, another hour on hold")]
    public void PhrasesNobodyMeansSincerelyAreFound(string text) => Assert.True(SarcasticPraise.In(text));

    [Theory]
    [InlineData("thanks for everything, it arrived")]
    [InlineData("great job getting it here a day early!")]
    [InlineData("I love this for my kitchen")]
    [InlineData("great, another parcel arrived today, thank you")]
    [InlineData("top breaking news apps, which is yours?")]
    [InlineData("nothing to thank you for yet, it's only been an hour")]
    [InlineData("great, another day without errors since the update")]
    [InlineData("perfect, one more question about the fees")]
    [InlineData("yay, one more episode of the show")]
    [InlineData("great, another delivery slot opened up")]
    [InlineData("another delay? that's not great")]
    public void SincerePraiseAndLookalikesAreNot(string text) => Assert.False(SarcasticPraise.In(text));

    [Fact]
    public void TheClassifierSwapsPraiseAndFrustrationOnlyForTheseWordsAndOnlyWhenPraiseLeads()
    {
        // Rows are P(frustrated), P(positive), P(other).
        float[] praised = [0.1f, 0.8f, 0.1f];
        SentimentClassifier.ReadSarcasm("thanks for nothing", praised);
        Assert.Equal([0.8f, 0.1f, 0.1f], praised);

        float[] sincere = [0.1f, 0.8f, 0.1f];
        SentimentClassifier.ReadSarcasm("thanks for everything", sincere);
        Assert.Equal([0.1f, 0.8f, 0.1f], sincere);

        // Already read as frustration: nothing to undo.
        float[] complaint = [0.7f, 0.2f, 0.1f];
        SentimentClassifier.ReadSarcasm("7 weeks for a refund. thanks for nothing", complaint);
        Assert.Equal([0.7f, 0.2f, 0.1f], complaint);
    }
}
