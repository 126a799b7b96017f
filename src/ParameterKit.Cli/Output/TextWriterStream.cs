using System.Text;

namespace ParameterKit.Cli.Output;

/// <summary>
/// A write-only stream that decodes the UTF-8 written to it into a <see cref="TextWriter"/>, so a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> can stream to the console instead of building the whole document
/// as one string first (a header of a million tensors makes a JSON document of hundreds of megabytes).
/// </summary>
internal sealed class TextWriterStream(TextWriter destination) : Stream
{
    // A Decoder keeps the bytes of a character split across two writes until the rest arrives.
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private char[] _chars = [];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int needed = _decoder.GetCharCount(buffer, flush: false);
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, 2 * _chars.Length)];
        }
        int written = _decoder.GetChars(buffer, _chars, flush: false);
        destination.Write(_chars, 0, written);
    }

    public override void Flush() => destination.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
