using System.Text;
using System.Text.RegularExpressions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Removes secrets from an address before it becomes text: the <c>user:secret@</c> part of every
/// <c>scheme://</c> address becomes <c>***@</c>, and the values of query parameters that commonly carry a secret
/// (<c>token</c>, <c>access_token</c>, <c>sig</c>, <c>signature</c>, <c>key</c>, <c>password</c>, the
/// <c>X-Amz-</c>/<c>X-Goog-</c> signing parameters, ...) become <c>***</c>. Every message, exception and line of
/// output ParameterKit writes about a remote address goes through it, so a token in a URL never reaches a
/// terminal, a log or a bug report.
/// </summary>
/// <example>
/// <code>
/// UriRedaction.Redact(new Uri("https://user:secret@host/m.safetensors?sig=abc&amp;v=1"));
/// // "https://***@host/m.safetensors?sig=***&amp;v=1"
/// </code>
/// </example>
public static partial class UriRedaction
{
    /// <summary>The address as text, without its secrets.</summary>
    /// <param name="uri">Any address.</param>
    /// <returns>The address (its escaped form, for an absolute one) with credentials and secret query values replaced.</returns>
    public static string Redact(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        // AbsoluteUri keeps escapes such as %40 and %2F escaped, so the end of the credentials is unambiguous.
        return Redact(uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString);
    }

    /// <summary>
    /// <paramref name="text"/> with the secrets of every address in it replaced: any text, such as an error message
    /// that quotes one or more addresses, or a command-line argument that may be one.
    /// </summary>
    /// <param name="text">Text that may contain addresses.</param>
    /// <returns>The text with credentials and secret query values replaced; the same instance when there were none.</returns>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            return text;
        }
        string withoutUserInfo = RedactUserInfo(text);
        return SecretQueryValue().Replace(withoutUserInfo, "$1***");
    }

    /// <summary>The address without its credentials, for holding on to (it still works for same-origin requests without them).</summary>
    internal static Uri WithoutSecrets(Uri uri) =>
        uri.IsAbsoluteUri && Uri.TryCreate(Redact(uri).Replace("://***@", "://", StringComparison.Ordinal), UriKind.Absolute, out Uri? clean)
            ? clean
            : uri;

    /// <summary>
    /// The authority of an address runs from <c>://</c> to the first <c>/</c>, <c>?</c>, <c>#</c>, space or quote;
    /// its credentials end at the last <c>@</c> in it (a password may hold an <c>@</c> of its own).
    /// </summary>
    private static string RedactUserInfo(string text)
    {
        StringBuilder? result = null;
        int copied = 0;
        for (int at = text.IndexOf("://", StringComparison.Ordinal); at >= 0; at = text.IndexOf("://", at + 3, StringComparison.Ordinal))
        {
            int start = at + 3;
            int end = start;
            while (end < text.Length && text[end] is not ('/' or '?' or '#' or '\'' or '"' or '<' or '>' or '`') && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
            int userInfoEnd = text.LastIndexOf('@', end - 1, end - start);
            if (userInfoEnd < 0)
            {
                continue;
            }
            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, start - copied).Append("***");
            copied = userInfoEnd;
        }
        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    [GeneratedRegex(@"([?&;](?:access_token|id_token|refresh_token|token|auth|authorization|api_key|apikey|key|password|passwd|pwd|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=)[^&#\s'""<>`]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretQueryValue();
}
