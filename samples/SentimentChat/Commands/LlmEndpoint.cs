using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using SentimentChat.Chat;

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

    /// <summary>
    /// The most bytes of one response read from the endpoint: a reply of <see cref="MaxReplyTokens"/> is a few kB, and
    /// a server sending more (a 200 MB reply took 6.6 GB, an endless body 12.7 GB before failing) gets the fallback.
    /// </summary>
    public const long MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>The most tokens a reply is asked for: a chat answer, not an essay.</summary>
    public const int MaxReplyTokens = 500;

    /// <summary>A chat client for <paramref name="endpoint"/>.</summary>
    /// <remarks>One retry, not the client library's default of three with growing back-off: a server that refuses
    /// the connection will refuse it again, and the customer is waiting. Responses past <see cref="MaxResponseBytes"/>
    /// fail (the chat then answers from its templates).</remarks>
    public static IChatClient Client(Uri endpoint, string model, string? apiKey)
    {
        // NetworkTimeout bounds each request, so HttpClient's own whole-request timeout (100 s) is switched off.
#pragma warning disable CA2000 // The transport owns the HttpClient, and the chat client owns the transport.
        var http = new HttpClient(new ResponseSizeLimit(MaxResponseBytes)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(apiKey ?? "not-needed"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = Timeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
            Transport = new HttpClientPipelineTransport(http),
        }).AsIChatClient()
            .AsBuilder()
            .ConfigureOptions(options => options.MaxOutputTokens ??= MaxReplyTokens)
            .Build();
    }
}
