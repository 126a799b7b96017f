using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using SentimentChat.Chat;
using SentimentChat.Web.Hosting;

namespace SentimentChat.Web.Replies;

/// <summary>
/// The <see cref="IChatClient"/> for an OpenAI-compatible endpoint (OpenAI, Ollama's /v1, vLLM, LM Studio), with
/// limits suited to a customer waiting at a chat page rather than the client library's batch-job defaults.
/// </summary>
public static class LanguageModelClient
{
    /// <summary>
    /// The most bytes of one response read from the endpoint. A reply of <see cref="WebChatOptions.MaxReplyTokens"/>
    /// streams as that many events of a few hundred bytes each; this is ten times more than any honest reply needs,
    /// and it bounds what a server can make the client buffer in pieces that never become text (an endless line,
    /// an endless JSON string), which the reply's character cap cannot see.
    /// </summary>
    public const long MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>The client for <see cref="WebChatOptions.LlmEndpoint"/>, which must be set.</summary>
    /// <exception cref="ArgumentException">No endpoint is configured.</exception>
    public static IChatClient Create(WebChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.LlmEndpoint ?? throw new ArgumentException("No language model endpoint is configured.", nameof(options));
        // The pipeline applies LlmTimeout itself, to the wait for the response and to every read of a streamed
        // one, so HttpClient's own whole-request timeout (100 s) is switched off rather than left to race it.
#pragma warning disable CA2000 // The transport owns the HttpClient, and the host owns the client for its lifetime.
        var http = new HttpClient(new ResponseSizeLimit(MaxResponseBytes)) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
        return new OpenAI.Chat.ChatClient(options.LlmModel, new ApiKeyCredential(options.ApiKey ?? "not-needed"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = options.LlmTimeout,
            // One retry, not the library's three with growing back-off: a server that timed out twice will not answer
            // a customer in time on the third try either.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
            Transport = new HttpClientPipelineTransport(http),
        }).AsIChatClient();
    }
}
