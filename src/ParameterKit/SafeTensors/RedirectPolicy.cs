using System.Net;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Where <see cref="HttpRangeSource"/> may follow a redirect, decided hop by hop: http(s) only, never from https
/// down to http, at most <see cref="HttpRangeSource.MaxRedirects"/> times, and without credentials once the host
/// changes.
/// </summary>
/// <remarks>
/// The rules are curl's and the browsers': a redirect is the server's word, and a hostile server can point anywhere,
/// so a scheme the client does not speak (<c>file:</c>, <c>gopher:</c>, <c>ftp:</c>) is refused rather than
/// guessed at, and <c>user:secret@</c> from the address the user typed is meant for that host alone. The
/// <c>Range</c> header, by contrast, is kept on every hop: it carries no secret, and the Hugging Face hub answers
/// every <c>resolve</c> URL with a redirect to a CDN on another host, where dropping it would turn a header read
/// into a download of the whole checkpoint. curl keeps it too.
/// </remarks>
internal static class RedirectPolicy
{
    /// <summary>Whether <paramref name="status"/> is a redirect this source follows (a GET stays a GET for all of them).</summary>
    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>The address to request next, after <paramref name="current"/> answered with a redirect.</summary>
    /// <param name="current">The address that answered.</param>
    /// <param name="response">Its redirect response.</param>
    /// <param name="redirectsSoFar">Redirects already followed for this read.</param>
    /// <exception cref="RemoteReadException">The redirect is refused (<see cref="RemoteReadErrorKind.RedirectRefused"/>) or one too many (<see cref="RemoteReadErrorKind.TooManyRedirects"/>).</exception>
    public static Uri Next(Uri current, HttpResponseMessage response, int redirectsSoFar)
    {
        int status = (int)response.StatusCode;
        // The raw header, not Headers.Location: a value .NET cannot parse is silently dropped there, and the user
        // deserves to see what the server actually sent.
        string? location = response.Headers.NonValidated.TryGetValues("Location", out var values) ? values.ToString() : null;
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new RemoteReadException(RemoteReadErrorKind.RedirectRefused, current,
                $"'{UriRedaction.Redact(current)}' answered {status} (a redirect) without a Location header.");
        }
        if (!Uri.TryCreate(current, location.Trim(), out Uri? target))
        {
            throw new RemoteReadException(RemoteReadErrorKind.RedirectRefused, current,
                $"'{UriRedaction.Redact(current)}' redirected ({status}) to a malformed Location '{UriRedaction.Redact(location)}'.");
        }
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            throw new RemoteReadException(RemoteReadErrorKind.RedirectRefused, current,
                $"'{UriRedaction.Redact(current)}' redirected ({status}) to '{UriRedaction.Redact(target.OriginalString)}'; only http and https redirects are followed.");
        }
        if (current.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
        {
            throw new RemoteReadException(RemoteReadErrorKind.RedirectRefused, current,
                $"'{UriRedaction.Redact(current)}' redirected ({status}) from https down to '{UriRedaction.Redact(target)}'; an insecure redirect is not followed.");
        }
        if (redirectsSoFar >= HttpRangeSource.MaxRedirects)
        {
            throw new RemoteReadException(RemoteReadErrorKind.TooManyRedirects, current,
                $"'{UriRedaction.Redact(current)}' redirected ({status}) to '{UriRedaction.Redact(target)}' after {redirectsSoFar} redirects already; at most {HttpRangeSource.MaxRedirects} are followed.");
        }
        return SameOrigin(current, target) ? target : WithoutUserInfo(target);
    }

    /// <summary>Scheme, host and port all equal: <c>127.0.0.1</c> and <c>localhost</c> are different hosts, as for browsers.</summary>
    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static Uri WithoutUserInfo(Uri uri) =>
        uri.UserInfo.Length == 0 ? uri : new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
}
