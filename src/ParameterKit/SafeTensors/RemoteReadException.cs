namespace ParameterKit.SafeTensors;

/// <summary>
/// A server misbehaved in a way <see cref="HttpRangeSource"/> refuses to wait out or follow: it stalled, sent too
/// much, or redirected somewhere it must not go. The message names the address and, for a redirect, where it pointed.
/// </summary>
/// <remarks>
/// It derives from <see cref="HttpRequestException"/>, so code that already handles a failed request handles these
/// too; <see cref="Kind"/> tells them apart.
/// </remarks>
public sealed class RemoteReadException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="uri">The address being read when it went wrong.</param>
    /// <param name="message">One sentence naming the address and the limit or the redirect target (redact addresses in it with <see cref="UriRedaction"/>).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public RemoteReadException(RemoteReadErrorKind kind, Uri uri, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Kind = kind;
        // Exceptions get logged and serialized whole; the address they carry must not carry the user's secrets.
        Uri = UriRedaction.WithoutSecrets(uri);
    }

    /// <summary>What went wrong.</summary>
    public RemoteReadErrorKind Kind { get; }

    /// <summary>
    /// The address being read when it went wrong (after any redirects followed so far), without credentials and
    /// with secret query values redacted (<see cref="UriRedaction"/>).
    /// </summary>
    public Uri Uri { get; }
}
