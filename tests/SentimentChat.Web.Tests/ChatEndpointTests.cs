using System.Net;
using System.Text.Json;
using SentimentChat.Chat;
using SentimentChat.Text;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Tests;

/// <summary>The chat API through the real app on an in-memory server (WebApplicationFactory).</summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class ChatEndpointTests(TrainedClassifierFixture model)
{
    private static readonly WebChatOptions Limits = new() { TemplateTokenDelay = TimeSpan.Zero, MaxMessageCharacters = 200, MaxTurns = 5 };

    private (WebChatFactory Factory, ChatApi Api) Serve(WebChatOptions? options = null, TimeProvider? time = null)
    {
        var factory = new WebChatFactory(model.Classifier, options ?? Limits, time ?? TimeProvider.System);
        return (factory, new ChatApi(factory.CreateClient()));
    }

    [Fact]
    public async Task The_page_is_served_with_its_script_and_a_policy_that_allows_nothing_from_elsewhere()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        using var page = await api.Http.GetAsync(new Uri("/", UriKind.Relative));
        string html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script src=\"chat.js\"></script>", html, StringComparison.Ordinal);
        Assert.Equal(ChatServer.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        foreach (string asset in new[] { "/chat.js", "/chat.css" })
        {
            using var response = await api.Http.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_message_streams_its_reading_then_the_reply_token_by_token_then_done()
    {
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();

        var events = await api.SayAsync(id, TrainedClassifierFixture.Complaint);

        Assert.Equal("turn", events[0].Type);
        Assert.Equal("done", events[^1].Type);
        var turn = events[0].Data;
        Assert.Equal("frustrated", turn.GetProperty("label").GetString());
        var p = turn.GetProperty("probabilities");
        Assert.Equal(1.0, p.GetProperty("frustrated").GetDouble() + p.GetProperty("positive").GetDouble() + p.GetProperty("other").GetDouble(), 4);
        Assert.True(turn.GetProperty("moodScore").GetDouble() < 0);
        Assert.False(turn.GetProperty("offerHuman").GetBoolean());
        // Several tokens, and together they are exactly the reply (the template's apology naming the problem).
        Assert.True(events.Count(e => e.Type == "token") > 3);
        string reply = events[^1].Data.GetProperty("reply").GetString()!;
        Assert.Equal(reply, ServerSentEvents.Tokens(events));
        Assert.Contains("your delivery", reply, StringComparison.Ordinal);   // "My parcel is two weeks late"
    }

    [Fact]
    public async Task Sustained_frustration_offers_a_person_and_a_thank_you_lifts_the_mood()
    {
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        model.Expect(TrainedClassifierFixture.Thanks, Labels.Positive);
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();

        var first = await api.SayAsync(id, TrainedClassifierFixture.Complaint);
        var second = await api.SayAsync(id, TrainedClassifierFixture.Anger);
        var third = await api.SayAsync(id, TrainedClassifierFixture.Thanks);

        Assert.False(first[^1].Data.GetProperty("offerHuman").GetBoolean());
        Assert.True(second[0].Data.GetProperty("offerHuman").GetBoolean());
        Assert.EndsWith(TemplateReplyGenerator.EscalationOffer, second[^1].Data.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.True(third[0].Data.GetProperty("moodScore").GetDouble() > second[0].Data.GetProperty("moodScore").GetDouble());
        Assert.Equal("positive", third[0].Data.GetProperty("label").GetString());

        using var handOff = await api.Http.PostAsync(new Uri($"/api/conversations/{id}/handoff", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, handOff.StatusCode);
        var summary = await api.SummaryAsync(id);
        Assert.True(summary.GetProperty("handOffRequested").GetBoolean());
        Assert.Equal(3, summary.GetProperty("turns").GetInt32());
    }

    [Fact]
    public async Task The_offer_stays_on_the_page_while_the_customer_answers_other_questions()
    {
        // The button vanished on the turn after the offer when the customer gave their order number instead of answering.
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        model.Expect("order 55123", Labels.Other);
        model.Expect(TrainedClassifierFixture.Thanks, Labels.Positive);
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        await api.SayAsync(id, TrainedClassifierFixture.Complaint);
        await api.SayAsync(id, TrainedClassifierFixture.Anger);

        var order = await api.SayAsync(id, "order 55123");
        Assert.True(order[0].Data.GetProperty("offerHuman").GetBoolean());
        Assert.True(order[^1].Data.GetProperty("offerHuman").GetBoolean());
        Assert.True((await api.SummaryAsync(id)).GetProperty("offerHuman").GetBoolean());

        var thanks = await api.SayAsync(id, TrainedClassifierFixture.Thanks);
        Assert.False(thanks[0].Data.GetProperty("offerHuman").GetBoolean());
    }

    [Fact]
    public async Task A_typed_yes_to_the_offer_asks_for_a_person_as_the_button_does()
    {
        // "yes" after "Would you like me to connect you with a human agent?" was answered with a request for the
        // order number, and the offer stayed on the page.
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        model.Expect("yes please", Labels.Other);
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();

        await api.SayAsync(id, TrainedClassifierFixture.Complaint);
        var offered = await api.SayAsync(id, TrainedClassifierFixture.Anger);
        Assert.EndsWith(TemplateReplyGenerator.EscalationOffer, offered[^1].Data.GetProperty("reply").GetString(), StringComparison.Ordinal);
        var yes = await api.SayAsync(id, "yes please");

        Assert.Equal(TemplateReplyGenerator.HandOff, yes[^1].Data.GetProperty("reply").GetString());
        Assert.False(yes[0].Data.GetProperty("offerHuman").GetBoolean());
        Assert.True((await api.SummaryAsync(id)).GetProperty("handOffRequested").GetBoolean());
        // Still frustrated afterwards: no second offer, a person is on the way.
        var after = await api.SayAsync(id, TrainedClassifierFixture.Anger);
        Assert.False(after[0].Data.GetProperty("offerHuman").GetBoolean());
        Assert.DoesNotContain(TemplateReplyGenerator.EscalationOffer, after[^1].Data.GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_asked_for_can_be_called_off()
    {
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        model.Expect("yes please", Labels.Other);
        model.Expect("never mind, it's sorted now", Labels.Positive);
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        await api.SayAsync(id, TrainedClassifierFixture.Complaint);
        await api.SayAsync(id, TrainedClassifierFixture.Anger);
        var yes = await api.SayAsync(id, "yes please");
        Assert.True(yes[0].Data.GetProperty("handOffRequested").GetBoolean());
        Assert.True((await api.SummaryAsync(id)).GetProperty("handOffRequested").GetBoolean());

        var calledOff = await api.SayAsync(id, "never mind, it's sorted now");

        Assert.Equal(TemplateReplyGenerator.HandOffCalledOff, calledOff[^1].Data.GetProperty("reply").GetString());
        Assert.False(calledOff[0].Data.GetProperty("handOffRequested").GetBoolean());
        Assert.False((await api.SummaryAsync(id)).GetProperty("handOffRequested").GetBoolean());
        // The page showed its "talk to a person" button again only when the turn event said nobody was on the way: a
        // later request for a person must both offer one and say none is coming yet.
        var again = await api.SayAsync(id, "actually I do want to speak to a manager");
        Assert.True(again[0].Data.GetProperty("offerHuman").GetBoolean());
        Assert.False(again[0].Data.GetProperty("handOffRequested").GetBoolean());
    }

    [Fact]
    public async Task Conversations_are_separate()
    {
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        var (factory, api) = Serve();
        using var _ = factory;
        string angry = await api.StartAsync();
        string calm = await api.StartAsync();

        await api.SayAsync(angry, TrainedClassifierFixture.Anger);
        await api.SayAsync(angry, TrainedClassifierFixture.Anger);

        Assert.NotEqual(angry, calm);
        Assert.True((await api.SummaryAsync(angry)).GetProperty("offerHuman").GetBoolean());
        var untouched = await api.SummaryAsync(calm);
        Assert.Equal(0, untouched.GetProperty("turns").GetInt32());
        Assert.False(untouched.GetProperty("offerHuman").GetBoolean());
    }

    [Fact]
    public async Task A_message_over_the_length_limit_is_refused_politely_and_not_counted()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();

        using var response = await api.PostAsync(id, new string('a', Limits.MaxMessageCharacters + 1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("too_long", body.GetProperty("code").GetString());
        Assert.Contains($"the limit is {Limits.MaxMessageCharacters}", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await api.SummaryAsync(id)).GetProperty("turns").GetInt32());
        // Exactly at the limit is fine.
        await api.SayAsync(id, new string('a', Limits.MaxMessageCharacters));
    }

    [Fact]
    public async Task An_empty_message_is_refused()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        using var response = await api.PostAsync(id, "   ");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":\"empty\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "application/json", HttpStatusCode.BadRequest, "unreadable")]
    [InlineData("{\"text\": 5}", "application/json", HttpStatusCode.BadRequest, "unreadable")]
    [InlineData("text=hello", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "not_json")]
    public async Task A_body_the_endpoint_cannot_read_is_refused_in_the_apis_own_json(string body, string type, HttpStatusCode status, string code)
    {
        // Parameter binding used to end these with a bare status and no body, unlike every other refusal.
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, type);
        using var response = await api.Http.PostAsync(new Uri($"/api/conversations/{id}/messages", UriKind.Relative), content);
        Assert.Equal(status, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Contains("JSON", json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await api.SummaryAsync(id)).GetProperty("turns").GetInt32());
    }

    [Fact]
    public async Task A_body_far_over_any_message_is_refused_before_it_is_read()
    {
        // Kestrel's limit (the in-memory server has none): six bytes a character at the message limit, plus a little.
        await using var server = await LoopbackServer.StartAsync(model.Classifier, Limits);
        using var http = new HttpClient { BaseAddress = server.Address };
        var api = new ChatApi(http);
        string id = await api.StartAsync();
        string escaped = string.Concat(Enumerable.Repeat("\\u00e9", Limits.MaxMessageCharacters));
        using (var atTheLimit = await http.PostAsync(new Uri($"api/conversations/{id}/messages", UriKind.Relative),
            new StringContent($"{{\"text\": \"{escaped}\"}}", System.Text.Encoding.UTF8, "application/json")))
        {
            // The longest message in the most expensive escaping is still read (and answered).
            Assert.Equal(HttpStatusCode.OK, atTheLimit.StatusCode);
        }
        using var tooLarge = await http.PostAsync(new Uri($"api/conversations/{id}/messages", UriKind.Relative),
            new StringContent($"{{\"text\": \"{new string('a', 7 * Limits.MaxMessageCharacters + 4096)}\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("too_large", JsonDocument.Parse(await tooLarge.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        server.AssertNoProblems();
    }

    [Fact]
    public async Task A_conversation_holds_at_most_the_turn_cap()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        for (int i = 0; i < Limits.MaxTurns; i++)
        {
            await api.SayAsync(id, $"Where is my order number {i}?");
        }

        using var refused = await api.PostAsync(id, "One more question.");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"limit of {Limits.MaxTurns} messages", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Limits.MaxTurns, (await api.SummaryAsync(id)).GetProperty("turns").GetInt32());
    }

    [Fact]
    public async Task An_idle_conversation_expires_and_an_active_one_does_not()
    {
        var time = new FakeTimeProvider();
        var options = Limits with { IdleTimeout = TimeSpan.FromMinutes(10) };
        var (factory, api) = Serve(options, time);
        using var _ = factory;
        string active = await api.StartAsync();
        string idle = await api.StartAsync();

        time.Advance(TimeSpan.FromMinutes(6));
        await api.SayAsync(active, "Hello, where is my parcel?");
        time.Advance(TimeSpan.FromMinutes(6));

        await api.SayAsync(active, "It was due yesterday.");
        using var expired = await api.PostAsync(idle, "Hello?");
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Contains("\"code\":\"expired\"", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Each endpoint says what did not happen, and none claims a new conversation was started (it was not).
        using var handOff = await api.Http.PostAsync(new Uri($"/api/conversations/{idle}/handoff", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, handOff.StatusCode);
        string refusal = JsonDocument.Parse(await handOff.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.Contains("nobody was asked to join", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("has been started", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_conversation_is_not_found()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        using var response = await api.PostAsync("0123456789abcdef0123456789abcdef", "Hello");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Customer_markup_travels_as_json_text_and_the_script_never_parses_it_as_html()
    {
        var (factory, api) = Serve();
        using var _ = factory;
        string id = await api.StartAsync();
        const string Markup = "<script>alert(1)</script> & <b>bold</b>";

        var events = await api.SayAsync(id, Markup);

        Assert.Equal("done", events[^1].Type);
        using var script = await api.Http.GetAsync(new Uri("/chat.js", UriKind.Relative));
        string js = await script.Content.ReadAsStringAsync();
        foreach (string sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(" })
        {
            Assert.DoesNotContain(sink, js, StringComparison.Ordinal);
        }
        Assert.Contains("textContent", js, StringComparison.Ordinal);
    }
}
