using SentimentChat.Chat;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>The offline replies ask for an order number or email only when the customer has not just given one.</summary>
public sealed class TemplateReplyTests
{
    private static readonly Prediction Other = new(Labels.Other, [0.05f, 0.05f, 0.9f], 8, false);

    [Theory]
    [InlineData("where is my order #4411?")]
    [InlineData("My order number is 12345.")]
    [InlineData("ticket A-20931, any news")]
    [InlineData("the account is jane.doe@example.com")]
    [InlineData("order # 7B2")]
    public void Details_already_given_are_not_asked_for_again(string message)
    {
        Assert.True(CustomerDetails.Mentioned(message));
        Assert.DoesNotContain("order number", Reply(message), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("where is my order?")]
    [InlineData("Can you check the delivery?")]
    [InlineData("I moved to flat 12")]
    [InlineData("@support hello")]
    [InlineData("")]
    public void Without_details_the_reply_asks_for_them(string message)
    {
        Assert.False(CustomerDetails.Mentioned(message));
        Assert.Contains("order number or account email", Reply(message), StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_pasted_message_is_read_in_linear_time()
    {
        // "@@@@..." and "a@a@a@..." are where a backtracking email pattern would go quadratic.
        Assert.False(CustomerDetails.Mentioned(string.Concat(Enumerable.Repeat("a@", 50_000))));
        Assert.False(CustomerDetails.Mentioned(new string('@', 100_000)));
    }

    private static string Reply(string message) =>
        new TemplateReplyGenerator().ReplyAsync(message, Other, new ConversationMood()).GetAwaiter().GetResult();
}
