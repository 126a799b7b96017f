using SentimentChat.Model;

namespace SentimentChat.Chat;

/// <summary>
/// Replies through a primary generator (a language model) and, when it fails (endpoint unreachable, refused,
/// timed out, an error status), says so in one line through <paramref name="onFailure"/> and answers with the
/// fallback (the offline templates) from then on. Switching for good, rather than retrying every turn, keeps the
/// conversation moving instead of making the customer wait on each message for a server that is down.
/// </summary>
/// <param name="primary">The preferred generator.</param>
/// <param name="fallback">The generator used once the primary has failed.</param>
/// <param name="onFailure">Receives the one-line explanation of the failure.</param>
public sealed class FallbackReplyGenerator(IReplyGenerator primary, IReplyGenerator fallback, Action<string> onFailure) : IReplyGenerator, IDisposable
{
    /// <summary>Whether the primary generator has failed and the fallback is in use.</summary>
    public bool FellBack { get; private set; }

    /// <inheritdoc />
    public async Task<string> ReplyAsync(string message, Prediction prediction, ConversationMood mood, CancellationToken cancellationToken = default)
    {
        if (!FellBack)
        {
            try
            {
                return await primary.ReplyAsync(message, prediction, mood, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // Anything the client library throws: HttpRequestException, ClientResultException, an AggregateException
                // of retries, a timeout's TaskCanceledException. The customer gets one line, not the trace.
                FellBack = true;
                onFailure($"The language model failed ({Describe(e)}); answering with the built-in replies from now on.");
            }
        }
        return await fallback.ReplyAsync(message, prediction, mood, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the primary generator if it holds resources.</summary>
    public void Dispose() => (primary as IDisposable)?.Dispose();

    /// <summary>The innermost cause in one line: "HttpRequestException: Connection refused (127.0.0.1:9)".</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception;
        while (inner is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            inner = aggregate.InnerExceptions[^1];
        }
        string message = inner.InnerException is { } cause && cause.Message != inner.Message ? $"{inner.Message} {cause.Message}" : inner.Message;
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"{inner.GetType().Name}: {line}";
    }
}
