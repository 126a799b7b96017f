namespace ParameterKit.SafeTensors;

/// <summary>Why <see cref="HttpRangeSource"/> gave up on a server, as a stable word for callers to switch on.</summary>
public enum RemoteReadErrorKind
{
    /// <summary>A read (connection, response headers and body together) did not finish within the client's timeout.</summary>
    Timeout,

    /// <summary>The response is larger than the caller allowed, by its <c>Content-Length</c> or while it was read.</summary>
    TooLarge,

    /// <summary>A redirect was refused: it pointed to a scheme other than http(s), from https to http, or its <c>Location</c> was missing or malformed.</summary>
    RedirectRefused,

    /// <summary>More than <see cref="HttpRangeSource.MaxRedirects"/> redirects in a row.</summary>
    TooManyRedirects,
}
