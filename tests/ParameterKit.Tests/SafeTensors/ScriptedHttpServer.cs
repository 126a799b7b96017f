using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>One request as a <see cref="ScriptedHttpServer"/> received it.</summary>
/// <param name="Number">Its position among all requests to the server, from 0.</param>
/// <param name="Head">The request line and headers, exactly as sent.</param>
internal sealed record ScriptedRequest(int Number, string Head)
{
    /// <summary>The request target (path and query).</summary>
    public string Target => Head.Split(' ')[1];

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Head.Split("\r\n")
        .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(line => line[(name.Length + 1)..].Trim())
        .FirstOrDefault();
}

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 (ephemeral port, loopback only) whose every answer is a script written as raw
/// bytes to the socket, so a test can misbehave as no server library would: stall after the headers, trickle a
/// byte at a time, send a chunked body that never ends, redirect to <c>file:</c> or to another host. It records
/// every request head; disposing it cancels the scripts and closes every connection, so nothing outlives a test.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    /// <summary>Answers one request on <paramref name="stream"/>; <paramref name="stop"/> fires when the server is disposed.</summary>
    public delegate Task Script(ScriptedRequest request, NetworkStream stream, CancellationToken stop);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ScriptedRequest> _requests = new();
    private readonly Script _script;
    private int _count;

    public ScriptedHttpServer(Script script)
    {
        _script = script;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>An address on this server; <paramref name="host"/> may be <c>localhost</c> (another host to a client, the same socket here).</summary>
    public Uri At(string path, string host = "127.0.0.1", string userInfo = "") =>
        new($"http://{userInfo}{host}:{Port}{path}");

    public IReadOnlyList<ScriptedRequest> Requests => [.. _requests];

    /// <summary>Writes ASCII text (a status line and headers).</summary>
    public static Task WriteAsync(NetworkStream stream, string text, CancellationToken stop) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop).AsTask();

    /// <summary>A script that serves <paramref name="file"/> with <c>Range</c> support (206 and Content-Range), as a well-behaved server does.</summary>
    public static Script Serving(byte[] file) => async (request, stream, stop) =>
    {
        string? range = request.Header("Range");
        if (range is null)
        {
            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {file.Length}\r\nConnection: close\r\n\r\n", stop);
            await stream.WriteAsync(file, stop);
            return;
        }
        string[] bounds = range["bytes=".Length..].Split('-');
        int start = int.Parse(bounds[0], CultureInfo.InvariantCulture);
        int end = Math.Min(int.Parse(bounds[1], CultureInfo.InvariantCulture), file.Length - 1);
        await WriteAsync(stream, $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{end}/{file.Length}\r\n" +
            $"Content-Length: {end - start + 1}\r\nConnection: close\r\n\r\n", stop);
        await stream.WriteAsync(file.AsMemory(start, end - start + 1), stop);
    };

    /// <summary>A script that answers every request with a redirect to <paramref name="location"/>, written verbatim.</summary>
    public static Script RedirectingTo(string location, int status = 302) => (_, stream, stop) =>
        WriteAsync(stream, $"HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);

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
                string head = await ReadHead(stream, _stop.Token);
                if (head.Length == 0)
                {
                    return;
                }
                var request = new ScriptedRequest(Interlocked.Increment(ref _count) - 1, head);
                _requests.Enqueue(request);
                await _script(request, stream, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up, or the test is over.
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
