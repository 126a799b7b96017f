namespace ParameterKit.Cli.Output;

/// <summary>
/// Passes streamed UTF-8 JSON through, rewriting every bidirectional control character (U+061C, U+200E, U+200F,
/// U+202A-U+202E, U+2066-U+2069) as a <c>\uXXXX</c> escape. <see cref="System.Text.Json.Utf8JsonWriter"/> already
/// escapes control characters but writes bidi controls raw, and a terminal showing the document would obey them;
/// the escape keeps the decoded text exactly the same. Bidi controls only ever occur inside JSON strings, where the
/// escape is valid.
/// </summary>
/// <remarks>
/// A bidi control is two (U+061C: D8 9C) or three bytes (E2 80 xx, E2 81 xx) long; up to two bytes of a sequence
/// that a write ends in the middle of are held until the next write decides them.
/// </remarks>
internal sealed class BidiEscapingStream(Stream inner) : Stream
{
    private readonly byte[] _pending = new byte[2];
    private int _pendingLength;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_pendingLength > 0)
        {
            var joined = new byte[_pendingLength + buffer.Length];
            _pending.AsSpan(0, _pendingLength).CopyTo(joined);
            buffer.CopyTo(joined.AsSpan(_pendingLength));
            buffer = joined;
            _pendingLength = 0;
        }
        Span<byte> escape = stackalloc byte[6];
        int start = 0;
        for (int i = 0; i < buffer.Length; i++)
        {
            byte b = buffer[i];
            if (b != 0xD8 && b != 0xE2)
            {
                continue;
            }
            int needed = b == 0xD8 ? 2 : 3;
            if (i + needed > buffer.Length)
            {
                // Possibly the start of a bidi control split across writes: decide when the rest arrives.
                inner.Write(buffer[start..i]);
                buffer[i..].CopyTo(_pending);
                _pendingLength = buffer.Length - i;
                return;
            }
            int codePoint = needed == 2
                ? ((b & 0x1F) << 6) | (buffer[i + 1] & 0x3F)
                : ((b & 0x0F) << 12) | ((buffer[i + 1] & 0x3F) << 6) | (buffer[i + 2] & 0x3F);
            if (IsBidiControl(codePoint))
            {
                inner.Write(buffer[start..i]);
                "\\u"u8.CopyTo(escape);
                codePoint.TryFormat(escape[2..], out _, "X4", System.Globalization.CultureInfo.InvariantCulture);
                inner.Write(escape);
                start = i + needed;
                i += needed - 1;
            }
        }
        inner.Write(buffer[start..]);
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _pendingLength > 0)
        {
            inner.Write(_pending.AsSpan(0, _pendingLength));
            _pendingLength = 0;
        }
        base.Dispose(disposing);
    }

    private static bool IsBidiControl(int c) =>
        c is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
}
