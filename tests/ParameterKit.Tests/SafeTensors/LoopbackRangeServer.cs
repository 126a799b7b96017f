using System.Globalization;
using System.Net.Sockets;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port, loopback only) that serves one file with
/// <c>Range</c> support (206 + Content-Range), or ignores ranges (200) when asked to. The "file" is a function
/// from offset to byte, so a multi-gigabyte checkpoint can be served without existing anywhere; the server
/// counts body bytes sent, to prove a client read only what it needed.
/// </summary>
internal sealed class LoopbackRangeServer : LoopbackHttpServer
{
    private readonly Func<long, byte> _content;
    private readonly long _length;
    private readonly bool _honorRanges;
    private long _bytesSent;
    private int _requests;

    public LoopbackRangeServer(byte[] file, bool honorRanges = true)
        : this(offset => file[offset], file.Length, honorRanges)
    {
    }

    public LoopbackRangeServer(Func<long, byte> content, long length, bool honorRanges = true)
    {
        _content = content;
        _length = length;
        _honorRanges = honorRanges;
    }

    public Uri Uri => new($"http://127.0.0.1:{Port}/model.safetensors");

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int Requests => Volatile.Read(ref _requests);

    protected override async Task RespondAsync(string request, NetworkStream stream, CancellationToken stop)
    {
        Interlocked.Increment(ref _requests);
        (long from, long to)? range = _honorRanges ? ParseRange(request) : null;
        string head;
        long start, count;
        if (range is (long a, long b))
        {
            if (a >= _length)
            {
                await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{_length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);
                return;
            }
            b = Math.Min(b, _length - 1);
            start = a;
            count = b - a + 1;
            head = $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {a}-{b}/{_length}\r\nContent-Length: {count}\r\n";
        }
        else
        {
            start = 0;
            count = _length;
            head = $"HTTP/1.1 200 OK\r\nContent-Length: {count}\r\n";
        }
        await WriteAsync(stream, head + "Accept-Ranges: bytes\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n", stop);
        var buffer = new byte[64 * 1024];
        for (long sent = 0; sent < count;)
        {
            int n = (int)Math.Min(buffer.Length, count - sent);
            for (int i = 0; i < n; i++)
            {
                buffer[i] = _content(start + sent + i);
            }
            // Counted before writing: the client may read these bytes and the test check the count
            // before this thread runs again, so counting afterwards races on a loaded machine.
            Interlocked.Add(ref _bytesSent, n);
            await stream.WriteAsync(buffer.AsMemory(0, n), stop);
            sent += n;
        }
    }

    private static (long, long)? ParseRange(string request)
    {
        if (Header(request, "Range") is not string range || !range.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string[] parts = range["bytes=".Length..].Split('-');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
