using System.Net;
using System.Net.Http.Headers;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Reads byte ranges of a remote file with HTTP <c>Range</c> requests, so a safetensors header (and from it a
/// parameter count) can be read from the first bytes of a multi-gigabyte checkpoint without downloading it.
/// </summary>
/// <remarks>
/// <para>
/// Each read asks for exactly the bytes it needs and expects <c>206 Partial Content</c>; the file's total length
/// is learned from the <c>Content-Range</c> header. A server that ignores ranges and answers <c>200</c> still
/// works: the body is read only as far as needed and the rest of the response is abandoned. The source does not
/// own the <see cref="HttpClient"/>.
/// </para>
/// <para>
/// A hostile or broken server cannot make a read hang or grow without bound. Every read (connecting, the response
/// headers, every redirect and the body, together) must finish within the client's <see cref="HttpClient.Timeout"/>,
/// or it fails with a <see cref="RemoteReadException"/> of kind <see cref="RemoteReadErrorKind.Timeout"/>; plain
/// <see cref="HttpClient"/> bounds only the wait for headers when a body is streamed, so a server that stalls or
/// trickles one byte a second after its headers would otherwise hold the read forever. A read never buffers more
/// than it asked for (<see cref="ReadAllAsync"/> stops at its cap while reading, whatever <c>Content-Length</c> says).
/// </para>
/// <para>
/// Redirects are followed by this source, under the rules of <c>RedirectPolicy</c>: http(s) only, never from https
/// to http, at most <see cref="MaxRedirects"/>, and <c>user:secret@</c> credentials are not carried to another
/// host; the <c>Range</c> header is kept (the Hugging Face hub redirects every file to a CDN host). For those rules to
/// apply, give it a client whose handler does not follow redirects itself
/// (<c>new SocketsHttpHandler { AllowAutoRedirect = false }</c>); a client that follows them applies its own rules
/// first.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
/// var source = new HttpRangeSource(client, new Uri("https://host/gpt2/model.safetensors"));
/// SafeTensorsHeader header = await source.ReadHeaderAsync();
/// </code>
/// </example>
public sealed class HttpRangeSource
{
    private readonly HttpClient _client;

    /// <summary>Redirects followed in a row for one read before it fails (curl's default allows 50; five is plenty for a hub and its CDN).</summary>
    public const int MaxRedirects = 5;

    /// <summary>Creates a source for <paramref name="uri"/>.</summary>
    /// <param name="client">The client used for every request (not disposed by this source).</param>
    /// <param name="uri">The file's address.</param>
    public HttpRangeSource(HttpClient client, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(uri);
        _client = client;
        Uri = uri;
    }

    /// <summary>The file's address.</summary>
    public Uri Uri { get; }

    /// <summary>The address as messages show it: credentials and secret query values redacted (<see cref="UriRedaction"/>).</summary>
    private string Shown => UriRedaction.Redact(Uri);

    /// <summary>The file's total length, once a response has revealed it; otherwise <see langword="null"/>.</summary>
    public long? Length { get; private set; }

    /// <summary>Reads the safetensors header: two range requests, for bytes [0, 8) and [8, 8 + N).</summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected, exactly as a local file would be.</exception>
    /// <exception cref="RemoteReadException">A read timed out or a redirect was refused.</exception>
    /// <exception cref="HttpRequestException">The server failed or does not report the file length.</exception>
    public async ValueTask<SafeTensorsHeader> ReadHeaderAsync(CancellationToken cancellationToken = default)
    {
        // The first 8 bytes also reveal the total length, which validation needs before anything else.
        ReadOnlyMemory<byte> prefix = await ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
        long length = Length ?? throw new HttpRequestException($"'{Shown}' did not report its length.");
        // Each range read returns a fresh array, which the header may keep without a copy.
        return await SafeTensorsHeader.ReadAsync(
            (offset, count, ct) => offset == 0 && count == prefix.Length ? ValueTask.FromResult(prefix) : ReadAsync(offset, count, ct),
            (ulong)length, Shown, ownsBuffers: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes starting at <paramref name="offset"/>.</summary>
    /// <param name="offset">The first byte.</param>
    /// <param name="length">How many bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="RemoteReadException">The read did not finish within the client's timeout, or a redirect was refused.</exception>
    /// <exception cref="HttpRequestException">The request failed, or the file holds fewer bytes.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        using CancellationTokenSource deadline = StartDeadline(cancellationToken);
        try
        {
            return await ReadRangeAsync(offset, length, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut($"bytes {offset}-{offset + length - 1}", e);
        }
    }

    /// <summary>
    /// Reads the whole file with a plain GET (no range), for small files such as a sharded checkpoint's index,
    /// refusing more than <paramref name="maxBytes"/>: by <c>Content-Length</c> before reading, and while reading,
    /// so a body without a length, or one longer than it claims, is cut at the cap.
    /// </summary>
    /// <param name="maxBytes">The largest file accepted; memory stays within about twice this.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="RemoteReadException">The file is larger than <paramref name="maxBytes"/>, the read did not finish within the client's timeout, or a redirect was refused.</exception>
    /// <exception cref="HttpRequestException">The request failed.</exception>
    public async ValueTask<byte[]> ReadAllAsync(long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, (long)Array.MaxLength);
        using CancellationTokenSource deadline = StartDeadline(cancellationToken);
        try
        {
            return await ReadWholeAsync(maxBytes, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut("the file", e);
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadRangeAsync(long offset, int length, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(new RangeHeaderValue(offset, offset + length - 1), cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            Length ??= response.Content.Headers.ContentRange?.Length;
            throw new HttpRequestException($"'{Shown}' holds fewer than {offset + length} bytes (range not satisfiable).");
        }
        response.EnsureSuccessStatusCode();
        long skip = 0;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
            if (range?.From != offset)
            {
                throw new HttpRequestException($"'{Shown}' answered range {range} to a request for bytes {offset}-{offset + length - 1}.");
            }
            Length = range.Length ?? Length;
        }
        else
        {
            // The server ignored the range and sends the whole file: skip to the offset, read, abandon the rest.
            Length = response.Content.Headers.ContentLength ?? Length;
            skip = offset;
        }
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var buffer = new byte[length];
            await SkipAsync(body, skip, buffer, cancellationToken).ConfigureAwait(false);
            int read = await body.ReadAtLeastAsync(buffer, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return read == length
                ? buffer
                : throw new HttpRequestException($"'{Shown}' returned {read} bytes where {length} were requested at offset {offset}.");
        }
    }

    private async ValueTask<byte[]> ReadWholeAsync(long maxBytes, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(range: null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength is long declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes, $"it declares {declared} bytes");
        }
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            // Grow by doubling from a modest start (or the declared length), never past maxBytes + 1: the one extra
            // byte is how a body longer than the cap is told apart from one exactly at it.
            long limit = maxBytes + 1;
            var buffer = new byte[(int)Math.Min(limit, response.Content.Headers.ContentLength + 1 ?? 64 * 1024)];
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled == limit)
                    {
                        throw TooLarge(maxBytes, "its body went on past that");
                    }
                    Array.Resize(ref buffer, (int)Math.Min(limit, 2L * buffer.Length));
                }
                int read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return filled == buffer.Length ? buffer : buffer[..filled];
                }
                filled += read;
            }
        }
    }

    /// <summary>Sends a GET for <see cref="Uri"/>, following redirects under <see cref="RedirectPolicy"/>; the caller disposes the response.</summary>
    private async Task<HttpResponseMessage> SendAsync(RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        Uri current = Uri;
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Range = range;
            HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            if (!RedirectPolicy.IsRedirect(response.StatusCode))
            {
                return response;
            }
            using (response)
            {
                current = RedirectPolicy.Next(current, response, redirects);
            }
        }
    }

    /// <summary>A token that fires when the caller cancels or when the client's timeout has passed, whichever is first.</summary>
    private CancellationTokenSource StartDeadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_client.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(_client.Timeout);
        }
        return deadline;
    }

    private RemoteReadException TimedOut(string what, Exception inner) => new(RemoteReadErrorKind.Timeout, Uri,
        $"'{Shown}' did not deliver {what} within {_client.Timeout.TotalSeconds:0.###} s (the server stalled or sent too slowly).", inner);

    private RemoteReadException TooLarge(long maxBytes, string how) => new(RemoteReadErrorKind.TooLarge, Uri,
        $"'{Shown}' is larger than the {maxBytes:N0} bytes allowed: {how}.");

    private async ValueTask<ReadOnlyMemory<byte>> ReadPrefixAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(0, 8, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (Length is long total && total < 8)
        {
            // A file shorter than 8 bytes: return what there is, so validation reports HeaderTooSmall.
            return await ReadAsync(0, (int)total, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask SkipAsync(Stream body, long count, byte[] scratch, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            int read = await body.ReadAsync(scratch.AsMemory(0, (int)Math.Min(count, scratch.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }
            count -= read;
        }
    }
}
