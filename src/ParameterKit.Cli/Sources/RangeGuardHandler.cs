using System.Net;

namespace ParameterKit.Cli.Sources;

/// <summary>
/// Refuses, unless allowed, a server that answers a <c>Range</c> request with the whole file (200 instead of
/// 206 Partial Content).
/// </summary>
/// <remarks>
/// The library's <see cref="ParameterKit.SafeTensors.HttpRangeSource"/> copes with such servers by reading the
/// full response only as far as the header and abandoning it. That is right for a library, but a command-line user
/// who asked to look at a 300 GB checkpoint "without downloading it" deserves to be told that this server cannot
/// do that, rather than have the tool quietly start a transfer; <c>--allow-download</c> opts in.
/// </remarks>
internal sealed class RangeGuardHandler : DelegatingHandler
{
    private readonly bool _allowDownload;

    /// <summary>Creates the guard over <paramref name="inner"/>.</summary>
    /// <param name="inner">The real transport.</param>
    /// <param name="allowDownload">Whether a 200 answer to a range request may be streamed anyway.</param>
    public RangeGuardHandler(HttpMessageHandler inner, bool allowDownload)
        : base(inner)
    {
        _allowDownload = allowDownload;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Headers.Range is not null && response.StatusCode == HttpStatusCode.OK && !_allowDownload)
        {
            response.Dispose();
            throw new CliException("RangeNotSupported",
                $"'{request.RequestUri}' does not support HTTP range requests (it answered 200 with the whole file), " +
                "so its header cannot be read without downloading it; `parameterkit inspect --allow-download` streams it anyway " +
                "(only the header bytes are read before the connection is dropped)");
        }
        return response;
    }
}
