using SentimentChat.Web.Endpoints;

namespace SentimentChat.Web.Hosting;

/// <summary>
/// Requests the endpoints cannot read (a body that is not JSON, not JSON at all, or far larger than any message) get
/// the same kind of answer as every other refusal: a JSON <see cref="ErrorMessage"/> with a status code, instead of
/// an empty response from parameter binding, or (for the size) a read of up to Kestrel's default 30 MB before the
/// length check.
/// </summary>
internal static class UnreadableRequests
{
    /// <summary>
    /// The largest request body read: a message of <see cref="WebChatOptions.MaxMessageCharacters"/> characters in
    /// JSON, where one character takes at most six bytes (<c>\uXXXX</c>), plus room for the braces and the name.
    /// Kestrel refuses longer bodies (status 413) before reading them.
    /// </summary>
    public static long MaxBodyBytes(WebChatOptions options) => 6L * options.MaxMessageCharacters + 4096;

    /// <summary>
    /// Gives the refusals nothing else answered a JSON body: parameter binding ends a request it cannot read with a
    /// bare status (400 for malformed JSON, 415 for another content type, 413 when Kestrel's body limit stops the
    /// read), and a <see cref="BadHttpRequestException"/> can reach here too. The endpoints' own refusals have written
    /// their body already and are left alone; no text the client sent is echoed.
    /// </summary>
    public static void Use(WebApplication app) =>
        app.Use(static async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = e.StatusCode;
            }
            if (!context.Response.HasStarted && Message(context.Response.StatusCode) is { } message)
            {
                await context.Response.WriteAsJsonAsync(message, WebChatJson.Default.ErrorMessage).ConfigureAwait(false);
            }
        });

    private static ErrorMessage? Message(int status) => status switch
    {
        StatusCodes.Status400BadRequest => new("The message could not be read: send JSON like {\"text\": \"...\"}.", "unreadable"),
        StatusCodes.Status413PayloadTooLarge => new("That message is far too long for us to read.", "too_large"),
        StatusCodes.Status415UnsupportedMediaType => new("Send the message as JSON: {\"text\": \"...\"}.", "not_json"),
        _ => null,
    };
}
