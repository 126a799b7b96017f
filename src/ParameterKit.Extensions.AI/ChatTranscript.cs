using System.Text;
using Microsoft.Extensions.AI;
using ParameterKit.Transformers;

namespace ParameterKit.Extensions.AI;

/// <summary>
/// A plain-text conversation format for base models that have no chat template (GPT-2): one paragraph per message,
/// <c>Role: text</c>, ending with <c>Assistant:</c> so the model continues as the assistant.
/// </summary>
/// <remarks>
/// <code>
/// System: You are a concise, kind customer-service agent.
///
/// User: Where is my order?
///
/// Assistant:
/// </code>
/// A base model that keeps writing goes on to invent the customer's next line; <see cref="Defaults"/> stops at
/// <c>"\nUser:"</c> (and <c>"\nSystem:"</c>), so the reply ends where the assistant's turn does. Instruct models
/// should use their own chat template instead: they were trained on it.
/// </remarks>
public static class ChatTranscript
{
    /// <summary>Where a reply in this format ends: the start of another speaker's line.</summary>
    public static IReadOnlyList<string> StopSequences { get; } = ["\nUser:", "\nSystem:"];

    /// <summary>Generation defaults for this format: up to 256 new tokens, stopping at <see cref="StopSequences"/>; add the model's end-of-text token as a stop token.</summary>
    public static GenerationOptions Defaults { get; } = new() { MaxNewTokens = 256, StopStrings = StopSequences };

    /// <summary>Renders <paramref name="messages"/> as the transcript, ending with the assistant's cue.</summary>
    /// <param name="messages">The conversation, oldest first.</param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is null.</exception>
    /// <exception cref="ArgumentException">A message is null.</exception>
    public static string Render(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            ChatMessage message = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
            text.Append(Speaker(message.Role)).Append(": ").Append(message.Text.Trim()).Append("\n\n");
        }
        return text.Append("Assistant:").ToString();
    }

    /// <summary>"System", "User", "Assistant", "Tool", or another role's own name with a capital first letter.</summary>
    private static string Speaker(ChatRole role)
    {
        string name = role.Value;
        return name.Length == 0 ? "Unknown" : string.Concat(char.ToUpperInvariant(name[0]).ToString(), name[1..]);
    }
}
