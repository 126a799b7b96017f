using SentimentChat.Chat;
using SentimentChat.Model;
using SentimentChat.Text;

namespace SentimentChat.Tests;

/// <summary>
/// The offline replies answer what the customer just did: they ask for an order number or email only until the
/// conversation has one, greet a greeting, close on a goodbye, and name the right problem in an apology.
/// </summary>
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

    [Fact]
    public void Details_given_earlier_are_not_asked_for_again()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        foreach (string message in new[] { "I was charged twice this month", "my account email is jane.doe@example.com", "ok", "any update?" })
        {
            var label = message.Contains("twice", StringComparison.Ordinal) ? FakePredictions.Frustrated : Other;
            mood.Add(message, label);
            string reply = Reply(message, label, mood, replies);
            Assert.Equal(message.Contains("twice", StringComparison.Ordinal), reply.Contains("order number", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("hi", SmallTalkKind.Greeting)]
    [InlineData("Hello? Is anyone there?", SmallTalkKind.Greeting)]
    [InlineData("good morning!", SmallTalkKind.Greeting)]
    [InlineData("bye", SmallTalkKind.Closing)]
    [InlineData("thanks for your help, bye", SmallTalkKind.Closing)]
    [InlineData("no thanks, that's all", SmallTalkKind.Closing)]
    [InlineData("nope, have a nice day", SmallTalkKind.Closing)]
    [InlineData("no thanks", SmallTalkKind.Closing)]
    [InlineData("thanks", SmallTalkKind.None)]
    [InlineData("hi, where is my order?", SmallTalkKind.None)]
    [InlineData("bye bye money, you charged me twice", SmallTalkKind.None)]
    public void Greetings_and_goodbyes_are_read_only_when_that_is_all_there_is(string message, SmallTalkKind expected) =>
        Assert.Equal(expected, SmallTalk.Read(message));

    [Fact]
    public void A_greeting_is_greeted_and_a_goodbye_closes()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add("my order 12345 is late", FakePredictions.Frustrated);
        mood.Add("hi?", Other);
        Assert.StartsWith("I'm still here.", Reply("hi?", Other, mood, replies), StringComparison.Ordinal);   // not a new conversation
        mood.Add("nope, bye", FakePredictions.Frustrated);
        Assert.StartsWith("Thank you for contacting us", Reply("nope, bye", FakePredictions.Frustrated, mood, replies), StringComparison.Ordinal);
        Assert.True(mood.OfferHuman);   // two complaints in a row: the goodbye says the offer (GoodbyeWithOffer)

        Assert.StartsWith("Hi!", Reply("hi"), StringComparison.Ordinal);
        Assert.DoesNotContain("order number", Reply("good morning"), StringComparison.Ordinal);
        Assert.StartsWith("Thank you for contacting us", Reply("ok bye"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("where is my parcel?", "no")]
    [InlineData("where is my parcel?", "sorry, I don't have it")]
    [InlineData("my parcel still hasn't arrived", "nope")]
    [InlineData("my parcel still hasn't arrived", "no idea")]
    public void A_no_to_the_question_for_details_is_no_goodbye_and_the_question_is_not_asked_again(string problem, string answer)
    {
        // Before, "no" after "Could you tell me your order number ...?" got "Thank you for contacting us. Have a good
        // day!": the conversation ended on a customer who still had the problem.
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        var first = problem.Contains('?', StringComparison.Ordinal) ? Other : FakePredictions.FrustratedBarely;
        mood.Add(problem, first);
        Assert.Contains("order number or account email", Reply(problem, first, mood, replies), StringComparison.Ordinal);

        mood.Add(answer, Other);
        string reply = Reply(answer, Other, mood, replies);
        Assert.True(mood.DetailsRefusedNow);
        Assert.Equal($"That's all right. {TemplateReplyGenerator.WithoutDetails}", reply);

        foreach (var (message, label) in new[] { ("it was meant to come on monday", Other), ("this is taking forever", FakePredictions.FrustratedBarely), ("any news?", Other) })
        {
            mood.Add(message, label);
            Assert.DoesNotContain("order number", Reply(message, label, mood, replies), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_question_for_details_is_not_asked_twice_in_a_row_word_for_word()
    {
        // General questions the offline replies cannot answer each got AskForDetails, the same words every time.
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        var asked = new List<string>();
        foreach (string question in new[] { "what are your opening hours?", "do you deliver on sundays?", "can I pay by invoice?" })
        {
            mood.Add(question, Other);
            asked.Add(Reply(question, Other, mood, replies));
        }
        Assert.Equal([TemplateReplyGenerator.AskForDetails, TemplateReplyGenerator.AskForDetailsAgain, TemplateReplyGenerator.AskForDetails], asked);

        // The rephrased question is still the question: "I don't have one" answers it.
        mood.Add("do you deliver on sundays?", Other);
        Assert.Equal(TemplateReplyGenerator.AskForDetailsAgain, Reply("do you deliver on sundays?", Other, mood, replies));
        mood.Add("I don't have one", Other);
        Assert.True(mood.DetailsRefusedNow);
    }

    [Fact]
    public void No_reply_repeats_the_one_before_it_word_for_word()
    {
        // "how long will this take?", "fine", "any news?" while the bot works; thanks twice; a customer who keeps writing
        // while a person is on the way. Each of these got the same sentence every turn.
        var replies = new TemplateReplyGenerator();
        foreach (var turns in new[]
        {
            new[] { ("my order 55120 is late", FakePredictions.FrustratedBarely), ("how long will this take?", Other), ("fine", Other), ("any news?", Other) },
            [("where is my parcel?", Other), ("no", Other), ("how long will this take?", Other), ("fine", Other)],
            [("thanks, that fixed it", FakePredictions.Positive), ("really, thank you so much", FakePredictions.Positive)],
            [("I want to talk to a person", Other), ("yes", Other), ("hello?", Other), ("are you still there", Other), ("ok", Other)],
        })
        {
            var mood = new ConversationMood();
            string? previous = null;
            foreach (var (message, prediction) in turns)
            {
                mood.Add(message, prediction);
                string reply = Reply(message, prediction, mood, replies);
                Assert.NotEqual(previous, reply);
                previous = reply;
            }
        }
    }

    [Fact]
    public void A_no_after_anything_else_still_closes_and_a_no_to_the_offer_of_a_person_still_declines_it()
    {
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add("thanks, that fixed it", FakePredictions.Positive);
        Assert.Contains("Anything else", Reply("thanks, that fixed it", FakePredictions.Positive, mood, replies), StringComparison.Ordinal);
        mood.Add("no", Other);
        Assert.StartsWith("Thank you for contacting us", Reply("no", Other, mood, replies), StringComparison.Ordinal);
        Assert.False(mood.DetailsRefusedNow);

        // An offer of a person made with no question for details: "no" turns the offer down.
        mood = new ConversationMood();
        foreach (string complaint in new[] { "I was charged twice, this is ridiculous", "still charged twice, unbelievable", "this is the third time I'm writing" })
        {
            mood.Add(complaint, FakePredictions.Frustrated);
            if (Reply(complaint, FakePredictions.Frustrated, mood, replies).Contains(TemplateReplyGenerator.EscalationOffer, StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.True(mood.OfferStanding);
        mood.Add("no", Other);
        Assert.Equal(OfferAnswer.Declined, mood.OfferAnswer);
        Assert.False(mood.DetailsRefusedNow);
        Assert.StartsWith("All right, I'll keep helping you here.", Reply("no", Other, mood, replies), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no", true)]
    [InlineData("Nope, sorry.", true)]
    [InlineData("unfortunately I lost the email", true)]
    [InlineData("I don't know it", true)]
    [InlineData("no I don't have the order number", true)]
    [InlineData("no, I can't find the confirmation email", true)]
    [InlineData("don't know my account email, sorry", true)]
    [InlineData("I don't have time for this", false)]
    [InlineData("I don't know why it was charged twice", false)]
    [InlineData("no, it's 44120", false)]
    [InlineData("no, and my parcel is a week late, sort it out", false)]
    [InlineData("no thanks, that's all", false)]
    [InlineData("", false)]
    public void A_refusal_of_details_is_read_only_as_a_whole_short_answer(string message, bool expected) =>
        Assert.Equal(expected, DetailsRefusals.Reads(message));

    [Theory]
    [InlineData("your agent was really rude to me on the phone yesterday", "how you were treated")]
    [InlineData("My package was supposed to arrive on Monday and it is still not here", "delivery")]
    [InlineData("I've been on hold for 45 minutes", "the wait")]
    [InlineData("waited 3 days for a reply", "the wait")]
    [InlineData("great, another week of waiting", "the wait")]
    [InlineData("I want a refund, the jacket was the wrong size", "trouble with your refund")]
    [InlineData("the opening hours on your website are wrong, the store was closed", null)]
    [InlineData("I was charged twice today", "double charge")]
    [InlineData("my phone won't charge since the update, really annoying", "isn't working")]
    [InlineData("my charger stopped working after a week", "isn't working")]
    [InlineData("It broke two weeks after I bought it, so annoying", "isn't working")]
    [InlineData("my broadband package doesn't work at all", "isn't working")]
    [InlineData("the delivery guy was rude and threw my parcel", "how you were treated")]
    [InlineData("I have been waiting 3 weeks and nobody answers", "the wait")]
    [InlineData("Hi, I'm Bill. My router keeps dropping the connection every evening", "your service")]
    [InlineData("my name is bill and the internet has been down since Monday", "your service")]
    [InlineData("this is Bill from flat 4, the payment went out twice", "double charge")]
    [InlineData("Why is my bill so high this month?", "billing problem")]
    [InlineData("no signal on my phone since this morning", "your service")]
    [InlineData("please drop the parcel off at the back door, it was late again", "delivery")]
    [InlineData("my new phone arrived with a cracked screen", "isn't working")]
    [InlineData("the screen keeps flickering since the update", "isn't working")]
    public void The_apology_names_the_problem_the_message_is_about(string message, string? expected)
    {
        string? apology = ProblemWords.Apology(message);
        if (expected is null)
        {
            Assert.Null(apology);
        }
        else
        {
            Assert.Contains(expected, apology, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_second_complaint_in_a_row_is_not_answered_word_for_word_like_the_first()
    {
        // Two borderline complaints in a row offer no person (the streak needs a confident reading), so both replies ask
        // for the details; the second must not repeat the first.
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        var borderline = FakePredictions.FrustratedBarely;
        mood.Add("the screen on my laptop is flickering since the update", borderline);
        string first = Reply("the screen on my laptop is flickering since the update", borderline, mood, replies);
        mood.Add("it's a ZenBook 14, bought in april", borderline);
        string second = Reply("it's a ZenBook 14, bought in april", borderline, mood, replies);
        Assert.False(mood.OfferHuman);
        Assert.NotEqual(first, second);
        Assert.Contains("order number or account email", first, StringComparison.Ordinal);
        Assert.Contains("order number or account email", second, StringComparison.Ordinal);

        mood.Add("it's order 55120", Other);
        mood.Add("still nothing", borderline);
        string third = Reply("still nothing", borderline, mood, replies);
        mood.Add("this is taking forever", borderline);
        string fourth = Reply("this is taking forever", borderline, mood, replies);
        Assert.NotEqual(third, fourth);
        Assert.DoesNotContain("order number", fourth, StringComparison.Ordinal);   // the details are in hand
    }

    [Fact]
    public void A_goodbye_when_a_person_is_due_says_the_offer_so_a_later_ok_answers_an_offer_the_customer_saw()
    {
        // Found in the console chat: the policy offered a person on a goodbye read as frustrated, the goodbye reply hid
        // the offer, and the customer's next "ok" brought a person they were never offered. The goodbye now says it.
        var replies = new TemplateReplyGenerator();
        var mood = new ConversationMood();
        mood.Add("I was charged twice for order 55120", FakePredictions.Frustrated);
        Reply("I was charged twice for order 55120", FakePredictions.Frustrated, mood, replies);
        mood.Add("no thanks, bye", FakePredictions.Frustrated);
        string goodbye = Reply("no thanks, bye", FakePredictions.Frustrated, mood, replies);
        Assert.True(mood.OfferHuman);
        Assert.Equal(SmallTalkKind.Closing, SmallTalk.Read("no thanks, bye"));
        Assert.Equal(TemplateReplyGenerator.GoodbyeWithOffer, goodbye);
        mood.Add("ok", Other);
        Assert.Equal(TemplateReplyGenerator.HandOff, Reply("ok", Other, mood, replies));

        // With no person due, a goodbye still closes.
        var calm = new ConversationMood();
        calm.Add("I was charged twice for order 55120", FakePredictions.Frustrated);
        Reply("I was charged twice for order 55120", FakePredictions.Frustrated, calm, replies);
        calm.Add("no thanks, bye", Other);
        Assert.False(calm.OfferHuman);
        Assert.Equal("Thank you for contacting us. Have a good day!", Reply("no thanks, bye", Other, calm, replies));
    }

    [Fact]
    public void Only_a_sure_reading_of_praise_is_answered_with_gladness()
    {
        // "I've had enough of this company" read positive at 0.37 with the shipped model, the three readings close, and
        // got "Glad to hear it!" (its exasperated words now also raise the tone: EscalationPolicyTests). A message with
        // no such words shows the reply's own rule.
        var unsure = new Prediction(Labels.Positive, [0.27f, 0.37f, 0.36f], 8, false);
        var sure = new Prediction(Labels.Positive, [0.05f, 0.85f, 0.10f], 8, false);
        foreach (var (prediction, glad) in new[] { (unsure, false), (sure, true) })
        {
            var replies = new TemplateReplyGenerator();
            var mood = new ConversationMood();
            mood.Add("my internet has been down since monday, account 5521", FakePredictions.Frustrated);
            Reply("my internet has been down since monday, account 5521", FakePredictions.Frustrated, mood, replies);
            mood.Add("merci beaucoup", prediction);
            Assert.False(mood.OfferHuman);
            Assert.Equal(glad, Reply("merci beaucoup", prediction, mood, replies).Contains("Glad", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_resolution_in_so_many_words_is_answered_as_one_unless_the_complaint_is_sure()
    {
        // "phew it just turned up. honestly I was fuming this morning" read frustrated at 0.36 with the shipped model and
        // got "I'm sorry, that sounds frustrating. I'll fix this as fast as I can."
        var recalledAnger = new Prediction(Labels.Frustrated, [0.36f, 0.30f, 0.34f], 12, false);
        var complaint = new Prediction(Labels.Frustrated, [0.8f, 0.05f, 0.15f], 12, false);
        foreach (var (message, prediction, sorted) in new[]
        {
            ("phew it just turned up. honestly I was fuming this morning", recalledAnger, true),
            ("phew, it arrived, but the screen is cracked", complaint, false),
            ("found it, it's order 4471", recalledAnger, false),
        })
        {
            var replies = new TemplateReplyGenerator();
            var mood = new ConversationMood();
            // A calm first turn, so that no offer of a person answers instead.
            mood.Add("hi, any news on my parcel?", Other);
            Reply("hi, any news on my parcel?", Other, mood, replies);
            mood.Add(message, prediction);
            Assert.False(mood.OfferHuman);
            Assert.Equal(sorted, Reply(message, prediction, mood, replies).StartsWith("Glad it's sorted", StringComparison.Ordinal));
        }
    }

    private static string Reply(string message) => Reply(message, Other, new ConversationMood(), new TemplateReplyGenerator());

    private static string Reply(string message, Prediction prediction, ConversationMood mood, TemplateReplyGenerator replies) =>
        replies.ReplyAsync(message, prediction, mood).GetAwaiter().GetResult();
}
