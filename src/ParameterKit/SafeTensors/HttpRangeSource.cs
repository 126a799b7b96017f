using System.Net;
using System.Net.Http.Headers;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Reads byte ranges of a remote file with HTTP <c>Range</c> requests, so a safetensors header (and from it a
/// parameter count) can be read from the first bytes of a multi-gigabyte checkpoint without downloading it.
/// </summary>
/// <remarks>
/// Each read asks for exactly the bytes it needs and expects <c>206 Partial Content</c>; the file's total length
/// is learned from the <c>Content-Range</c> header. A server that ignores ranges and answers <c>200</c> still
/// works: the body is read only as far as needed and the rest of the response is abandoned. The source does not
/// own the <see cref="HttpClient"/>.
/// </remarks>
/// <example>
/// <code>
/// var source = new HttpRangeSource(httpClient, new Uri("https://host/gpt2/model.safetensors"));
/// SafeTensorsHeader header = await source.ReadHeaderAsync();
/// </code>
/// </example>
public sealed class HttpRangeSource
{
    private readonly HttpClient _client;

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

    /// <summary>The file's total length, once a response has revealed it; otherwise <see langword="null"/>.</summary>
    public long? Length { get; private set; }

    /// <summary>Reads the safetensors header: two range requests, for bytes [0, 8) and [8, 8 + N).</summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="SafeTensorsFormatException">The header is rejected, exactly as a local file would be.</exception>
    /// <exception cref="HttpRequestException">The server failed or does not report the file length.</exception>
    public async ValueTask<SafeTensorsHeader> ReadHeaderAsync(CancellationToken cancellationToken = default)
    {
        // The first 8 bytes also reveal the total length, which validation needs before anything else.
        ReadOnlyMemory<byte> prefix = await ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
        long length = Length ?? throw new HttpRequestException($"'{Uri}' did not report its length.");
        return await SafeTensorsHeader.ReadAsync(
            (offset, count, ct) => offset == 0 && count == prefix.Length ? ValueTask.FromResult(prefix) : ReadAsync(offset, count, ct),
            (ulong)length, Uri.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes starting at <paramref name="offset"/>.</summary>
    /// <param name="offset">The first byte.</param>
    /// <param name="length">How many bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="HttpRequestException">The request failed, or the file holds fewer bytes.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, Uri);
        request.Headers.Range = new RangeHeaderValue(offset, offset + length - 1);
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            Length ??= response.Content.Headers.ContentRange?.Length;
            throw new HttpRequestException($"'{Uri}' holds fewer than {offset + length} bytes (range not satisfiable).");
        }
        response.EnsureSuccessStatusCode();
        long skip = 0;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
            if (range?.From != offset)
            {
                throw new HttpRequestException($"'{Uri}' answered range {range} to a request for bytes {offset}-{offset + length - 1}.");
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
                : throw new HttpRequestException($"'{Uri}' returned {read} bytes where {length} were requested at offset {offset}.");
        }
    }

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
