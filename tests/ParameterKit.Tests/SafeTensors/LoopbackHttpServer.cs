using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// The part every test HTTP server shares, written once for the library's and the CLI's tests: a listener on 127.0.0.1
/// (ephemeral port, loopback only), one task per connection that reads the request head and hands it to
/// <see cref="RespondAsync"/>, and a <see cref="Dispose"/> that cancels every response and closes the listener, so
/// nothing outlives a test. A client hanging up early (an abandoned 200 response, a test that is over) is not an error.
/// </summary>
internal abstract class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    protected LoopbackHttpServer()
    {
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Answers one request on <paramref name="stream"/>.</summary>
    /// <param name="head">The request line and headers, exactly as sent (empty when the client closed without sending any).</param>
    /// <param name="stream">The connection, closed after this returns.</param>
    /// <param name="stop">Fires when the server is disposed.</param>
    protected abstract Task RespondAsync(string head, NetworkStream stream, CancellationToken stop);

    /// <summary>Writes ASCII text (a status line and headers).</summary>
    public static Task WriteAsync(NetworkStream stream, string text, CancellationToken stop) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop).AsTask();

    /// <summary>A header's value in a request head, or null.</summary>
    public static string? Header(string head, string name) => head.Split("\r\n")
        .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(line => line[(name.Length + 1)..].Trim())
        .FirstOrDefault();

    /// <summary>
    /// Sends <paramref name="file"/> as a well-behaved server does: the range the head's <c>Range: bytes=a-b</c> asks for
    /// (206 with Content-Range, the end clamped to the file), else the whole file (200).
    /// </summary>
    /// <returns>The body bytes sent.</returns>
    protected static async Task<int> SendFileAsync(NetworkStream stream, string head, byte[] file, CancellationToken stop)
    {
        string? range = Header(head, "Range");
        if (range is null)
        {
            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {file.Length}\r\nConnection: close\r\n\r\n", stop);
            await stream.WriteAsync(file, stop);
            return file.Length;
        }
        string[] bounds = range["bytes=".Length..].Split('-');
        int start = int.Parse(bounds[0], CultureInfo.InvariantCulture);
        int end = Math.Min(int.Parse(bounds[1], CultureInfo.InvariantCulture), file.Length - 1);
        int count = end - start + 1;
        await WriteAsync(stream, $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{end}/{file.Length}\r\n" +
            $"Content-Length: {count}\r\nConnection: close\r\n\r\n", stop);
        await stream.WriteAsync(file.AsMemory(start, count), stop);
        return count;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                await RespondAsync(await ReadHead(stream, _stop.Token), stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up early, or the test is over.
            }
        }
    }

    private static async Task<string> ReadHead(NetworkStream stream, CancellationToken stop)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one, stop) == 1)
        {
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
