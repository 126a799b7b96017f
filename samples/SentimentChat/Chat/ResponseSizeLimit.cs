namespace SentimentChat.Chat;

/// <summary>
/// Ends a response from the language model once it passes a number of bytes: reading on fails with an
/// <see cref="InvalidDataException"/>, which the chat reports to the customer as a failed reply. The console chat and
/// the web chat both read their <c>--llm</c> server through it.
/// </summary>
/// <param name="maxBytes">The most bytes read of one response body.</param>
public sealed class ResponseSizeLimit(long maxBytes) : DelegatingHandler(new SocketsHttpHandler())
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var original = response.Content;
        var limited = new StreamContent(new CappedReadStream(await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), maxBytes));
        foreach (var header in original.Headers)
        {
            limited.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content = limited;
        return response;
    }

    /// <summary>A read-only view of a stream that fails once more than <c>maxBytes</c> have been read through it.</summary>
    private sealed class CappedReadStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            if (_read > maxBytes)
            {
                throw new InvalidDataException($"The language model's response passed {maxBytes} bytes; the rest was not read.");
            }
            return read;
        }
    }
}
