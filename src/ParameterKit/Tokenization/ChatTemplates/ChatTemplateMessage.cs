namespace ParameterKit.Tokenization;

/// <summary>One message of a conversation as chat templates see it: <c>{"role": ..., "content": ...}</c>.</summary>
/// <param name="Role">"system", "user" or "assistant" (a template may accept others, such as "tool").</param>
/// <param name="Content">The message text.</param>
public sealed record ChatTemplateMessage(string Role, string Content);
