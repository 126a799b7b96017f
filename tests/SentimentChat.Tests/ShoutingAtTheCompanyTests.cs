using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>Messages shouted at the company, the shouting that is not, and how the classifier reads them.</summary>
public sealed class ShoutingAtTheCompanyTests
{
    [Theory]
    [InlineData("WHERE IS MY ORDER")]
    [InlineData("CANCEL MY SUBSCRIPTION NOW")]
    [InlineData("i want MY MONEY BACK TODAY")]
    [InlineData("WHY HAS NOBODY ANSWERED ABOUT MY REFUND??")]
    [InlineData("HOW DO I CHANGE MY BOOKING")]
    public void ShoutedMessagesAboutWhatTheCompanySellsOrOwesAreFound(string text) => Assert.True(ShoutingAtTheCompany.In(text));

    [Theory]
    [InlineData("where is my order")]
    [InlineData("my ORDER number is 5521, is it on its way?")]
    [InlineData("THIS IS THE BEST NEWS EVER")]
    [InlineData("[NAME] [NAME] [NAME] [NAME] order")]
    [InlineData("PIN OK")]
    public void QuietMessagesAndShoutingAboutAnythingElseAreNot(string text) => Assert.False(ShoutingAtTheCompany.In(text));

    [Fact]
    public void TheClassifierSwapsFrustrationAndTheNeutralReadingOnlyForShoutingAndOnlyWhenTheNeutralOneLeads()
    {
        // Rows are P(frustrated), P(positive), P(other).
        Assert.Equal([0.7f, 0.05f, 0.25f], Read("WHERE IS MY ORDER", 0.25f, 0.05f, 0.7f));
        Assert.Equal([0.25f, 0.05f, 0.7f], Read("where is my order", 0.25f, 0.05f, 0.7f));
        // A shouted thank-you stays one, and a shouted complaint already read as one is left alone.
        Assert.Equal([0.01f, 0.9f, 0.09f], Read("THANK YOU FOR THE QUICK REFUND", 0.01f, 0.9f, 0.09f));
        Assert.Equal([0.8f, 0.05f, 0.15f], Read("I WAS CHARGED TWICE FOR MY ORDER", 0.8f, 0.05f, 0.15f));
    }

    /// <summary>The row <paramref name="row"/> after the classifier has read <paramref name="text"/> for shouting.</summary>
    private static float[] Read(string text, params float[] row)
    {
        SentimentClassifier.ReadShouting(text, row);
        return row;
    }
}
