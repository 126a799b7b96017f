using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentimentChat.Model;

namespace SentimentChat.Chat;

/// <summary>
/// Middleware for any <see cref="IChatClient"/> (an OpenAI-compatible server, Ollama, ...): classifies the last user
/// message and puts the detected mood and tone instructions into a system message before the request goes on, so
/// the language model answers a frustrated customer differently from a happy one.
/// </summary>
/// <remarks>
/// A caller that has already classified the turn (the chat loop, which shows the sentiment tag) passes the
/// <see cref="Prediction"/> in <see cref="ChatOptions.AdditionalProperties"/> under <see cref="PredictionKey"/>; the
/// middleware then uses it and leaves the mood to the caller instead of classifying and counting the turn twice.
/// </remarks>
public sealed class SentimentAwareChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of a precomputed <see cref="Prediction"/>.</summary>
    public const string PredictionKey = "parameterkit.sentiment";

    private readonly Func<string, Prediction> _classify;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that talks to the model.</param>
    /// <param name="classify">The sentiment classifier.</param>
    /// <param name="mood">The conversation mood to update on each user turn.</param>
    /// <exception cref="ArgumentNullException">An argument is null: refused here rather than as a
    /// <see cref="NullReferenceException"/> at the first message, far from the mistake.</exception>
    public SentimentAwareChatClient(IChatClient innerClient, Func<string, Prediction> classify, ConversationMood mood)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(classify);
        ArgumentNullException.ThrowIfNull(mood);
        _classify = classify;
        Mood = mood;
    }

    /// <summary>The mood this client keeps.</summary>
    public ConversationMood Mood { get; }

    /// <summary>The classification of the last user message sent through this client.</summary>
    public Prediction? LastPrediction { get; private set; }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(WithToneInstructions(messages, options), options, cancellationToken);

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(WithToneInstructions(messages, options), options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>The tone instructions for a classified turn.</summary>
    public static string ToneInstructions(Prediction prediction, ConversationMood mood)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(mood);
        string tone = prediction.LabelName switch
        {
            "frustrated" => "The customer is frustrated. Apologize once, name their specific problem, keep the reply under three sentences, and give one concrete next step.",
            "positive" => "The customer is in a good mood. Be friendly and brief.",
            _ => "Be helpful and ask for the details you need.",
        };
        tone += mood switch
        {
            { HandOffNow: true } => " They said yes to a human agent: confirm that a member of the team will join this conversation shortly and will see all of it.",
            { OfferAnswer: OfferAnswer.Declined } => " They just declined a human agent: accept that and keep helping; do not offer one again.",
            { HandOffCalledOff: true } => " They just called off the human agent they had asked for: confirm nobody will join and keep helping; do not offer one again.",
            { HumanAccepted: true } => " A human agent has already been asked to join: do not offer one again; say they will be with them shortly if it helps.",
            { OfferHuman: true } => EscalationTone(mood),
            _ => string.Empty,
        };
        return $"Detected sentiment of the last message: {prediction.LabelName} (confidence {prediction.Confidence:P0}); conversation mood: {mood.Description}. {tone}";
    }

    private static string EscalationTone(ConversationMood mood) =>
        mood.Escalation switch
        {
            EscalationReason.PersonRequested => " They asked for a person: offer to connect them with a human agent now.",
            EscalationReason.ThreatToLeave => " They are threatening to leave or take action: offer to connect them with a human agent now.",
            EscalationReason.RepeatedContact => " They have contacted us about this before: offer to connect them with a human agent now.",
            EscalationReason.EscalatingTone or EscalationReason.SustainedFrustration => " They have been frustrated repeatedly: offer to connect them with a human agent.",
            _ => string.Empty,
        };

    private List<ChatMessage> WithToneInstructions(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages.ToList();
        var lastUser = list.LastOrDefault(m => m.Role == ChatRole.User);
        if (lastUser is null)
        {
            return list;
        }
        if (options?.AdditionalProperties?.TryGetValue(PredictionKey, out object? given) == true && given is Prediction known)
        {
            LastPrediction = known;
        }
        else
        {
            LastPrediction = _classify(lastUser.Text);
            Mood.Add(lastUser.Text, LastPrediction);
        }
        list.Insert(0, new ChatMessage(ChatRole.System, ToneInstructions(LastPrediction, Mood)));
        return list;
    }
}
