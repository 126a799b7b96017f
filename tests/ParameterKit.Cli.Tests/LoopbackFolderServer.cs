using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// A loopback-only (127.0.0.1) HTTP/1.1 server for several files by path, with <c>Range</c> support: enough to
/// serve a sharded checkpoint (index plus shards) the way the Hugging Face hub does. Counts body bytes sent.
/// </summary>
/// <remarks>The single-file <c>LoopbackRangeServer</c> of the library tests serves one file at every path.</remarks>
internal sealed class LoopbackFolderServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private long _bytesSent;

    public LoopbackFolderServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/repo/");

    public long BytesSent => Interlocked.Read(ref _bytesSent);

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
                string[] lines = (await ReadHead(stream)).Split("\r\n");
                string path = Uri.UnescapeDataString(lines[0].Split(' ')[1]);
                string name = path.StartsWith("/repo/", StringComparison.Ordinal) ? path["/repo/".Length..] : "";
                if (!_files.TryGetValue(name, out byte[]? file))
                {
                    await Send(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                string? range = lines.FirstOrDefault(l => l.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase));
                int start = 0, count = file.Length;
                string status = "200 OK", contentRange = "";
                if (range is not null)
                {
                    string[] parts = range["Range: bytes=".Length..].Split('-');
                    start = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                    int end = Math.Min(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), file.Length - 1);
                    count = end - start + 1;
                    status = "206 Partial Content";
                    contentRange = $"Content-Range: bytes {start}-{end}/{file.Length}\r\n";
                }
                await Send(stream, $"HTTP/1.1 {status}\r\n{contentRange}Content-Length: {count}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(file.AsMemory(start, count), _stop.Token);
                Interlocked.Add(ref _bytesSent, count);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The client hung up early.
            }
        }
    }

    private static async Task<string> ReadHead(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    private static Task Send(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
