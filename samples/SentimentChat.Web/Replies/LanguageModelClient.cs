using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Replies;

/// <summary>
/// The <see cref="IChatClient"/> for an OpenAI-compatible endpoint (OpenAI, Ollama's /v1, vLLM, LM Studio), with
/// limits suited to a customer waiting at a chat page rather than the client library's batch-job defaults.
/// </summary>
public static class LanguageModelClient
{
    /// <summary>The client for <see cref="WebChatOptions.LlmEndpoint"/>, which must be set.</summary>
    /// <exception cref="ArgumentException">No endpoint is configured.</exception>
    public static IChatClient Create(WebChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.LlmEndpoint ?? throw new ArgumentException("No language model endpoint is configured.", nameof(options));
        return new OpenAI.Chat.ChatClient(options.LlmModel, new ApiKeyCredential(options.ApiKey ?? "not-needed"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = options.LlmTimeout,
            // One retry, not the library's three with growing back-off: a server that timed out twice will not answer
            // a customer in time on the third try either.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
        }).AsIChatClient();
    }
}
