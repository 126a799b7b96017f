using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace SentimentChat.Commands;

/// <summary>An OpenAI-compatible endpoint (OpenAI, Ollama's /v1, vLLM, LM Studio) given with <c>--llm</c>.</summary>
public static class LlmEndpoint
{
    /// <summary>How long one request may take before the chat falls back to its templates.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The endpoint as an absolute http(s) URI, or a rejection naming the bad value (exit 2).</summary>
    public static Uri Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw CommandException.InvalidInput($"--llm must be an http(s) URL such as http://localhost:11434/v1, not '{endpoint}'.");
        }
        return uri;
    }

    /// <summary>A chat client for <paramref name="endpoint"/>.</summary>
    /// <remarks>One retry, not the client library's default of three with growing back-off: a server that refuses
    /// the connection will refuse it again, and the customer is waiting.</remarks>
    public static IChatClient Client(Uri endpoint, string model, string? apiKey) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(apiKey ?? "not-needed"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = Timeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
        }).AsIChatClient();
}
