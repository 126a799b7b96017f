using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentimentChat.Chat;
using SentimentChat.Text;
using SentimentChat.Web.Hosting;
using SentimentChat.Web.Replies;

namespace SentimentChat.Web.Tests;

/// <summary>Both reply sources go through the console sample's SentimentAwareChatClient and stream.</summary>
[Collection(TrainedClassifierCollection.Name)]
public sealed class ReplyPipelineTests(TrainedClassifierFixture model)
{
    [Theory]
    [InlineData("I'm sorry about the wait; that shouldn't have happened. I'll fix this as fast as I can.")]
    [InlineData("  leading and\ttabbed\nlines  ")]
    [InlineData("")]
    public void Words_join_back_to_the_reply(string reply)
    {
        Assert.Equal(reply.TrimEnd(), string.Concat(TemplateChatClient.Words(reply)));
    }

    [Fact]
    public async Task Template_replies_stream_word_by_word_and_match_the_console_sample()
    {
        model.Expect(TrainedClassifierFixture.Complaint, Labels.Frustrated);
        var mood = new ConversationMood();
        var pipeline = new ReplyPipeline(new WebChatOptions { TemplateTokenDelay = TimeSpan.Zero }, model.Classifier, TimeProvider.System);
        using var client = pipeline.For(mood);
        var prediction = model.Classifier.Classify(TrainedClassifierFixture.Complaint);
        mood.Add(TrainedClassifierFixture.Complaint, prediction);
        var options = new ChatOptions { AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = prediction } };

        var updates = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, TrainedClassifierFixture.Complaint)], options))
        {
            updates.Add(update.Text);
        }

        string expected = await new TemplateReplyGenerator().ReplyAsync(TrainedClassifierFixture.Complaint, prediction, mood);
        Assert.Equal(expected, string.Concat(updates));
        Assert.True(updates.Count > 5);
        Assert.Equal(1, mood.Turns);
    }

    [Fact]
    public async Task A_language_model_receives_the_tone_instructions_from_the_middleware()
    {
        model.Expect(TrainedClassifierFixture.Anger, Labels.Frustrated);
        var languageModel = new RecordingChatClient();
        var mood = new ConversationMood();
        var pipeline = new ReplyPipeline(new WebChatOptions(), model.Classifier, TimeProvider.System, languageModel);
        using var client = pipeline.For(mood);
        var prediction = model.Classifier.Classify(TrainedClassifierFixture.Anger);
        mood.Add(TrainedClassifierFixture.Complaint, prediction);
        var options = new ChatOptions { AdditionalProperties = new() { [SentimentAwareChatClient.PredictionKey] = prediction } };

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, TrainedClassifierFixture.Anger)], options))
        {
            text.Add(update.Text);
        }

        Assert.Equal(["Sorry ", "about ", "that."], text);
        var system = Assert.Single(languageModel.Seen!, m => m.Role == ChatRole.System);
        Assert.Equal(SentimentAwareChatClient.ToneInstructions(prediction, mood), system.Text);
        Assert.True(pipeline.UsesLanguageModel);
        // Disposing one conversation's client leaves the shared language model usable by the others.
        client.Dispose();
        Assert.False(languageModel.Disposed);
    }

    private sealed class RecordingChatClient : IChatClient
    {
        public List<ChatMessage>? Seen { get; private set; }

        public bool Disposed { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The web chat streams; it should not ask for a whole response.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Seen = messages.ToList();
            foreach (string piece in new[] { "Sorry ", "about ", "that." })
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() => Disposed = true;
    }
}
