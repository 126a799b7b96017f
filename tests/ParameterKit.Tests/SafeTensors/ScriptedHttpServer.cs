using System.Collections.Concurrent;
using System.Net.Sockets;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>One request as a <see cref="ScriptedHttpServer"/> received it.</summary>
/// <param name="Number">Its position among all requests to the server, from 0.</param>
/// <param name="Head">The request line and headers, exactly as sent.</param>
internal sealed record ScriptedRequest(int Number, string Head)
{
    /// <summary>The request target (path and query).</summary>
    public string Target => Head.Split(' ')[1];

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => LoopbackHttpServer.Header(Head, name);
}

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 (ephemeral port, loopback only) whose every answer is a script written as raw
/// bytes to the socket, so a test can misbehave as no server library would: stall after the headers, trickle a
/// byte at a time, send a chunked body that never ends, redirect to <c>file:</c> or to another host. It records
/// every request head; disposing it cancels the scripts and closes every connection, so nothing outlives a test.
/// </summary>
internal sealed class ScriptedHttpServer : LoopbackHttpServer
{
    /// <summary>Answers one request on <paramref name="stream"/>; <paramref name="stop"/> fires when the server is disposed.</summary>
    public delegate Task Script(ScriptedRequest request, NetworkStream stream, CancellationToken stop);

    private readonly ConcurrentQueue<ScriptedRequest> _requests = new();
    private readonly Script _script;
    private int _count;

    public ScriptedHttpServer(Script script)
    {
        _script = script;
    }

    /// <summary>An address on this server; <paramref name="host"/> may be <c>localhost</c> (another host to a client, the same socket here).</summary>
    public Uri At(string path, string host = "127.0.0.1", string userInfo = "") =>
        new($"http://{userInfo}{host}:{Port}{path}");

    public IReadOnlyList<ScriptedRequest> Requests => [.. _requests];

    /// <summary>A script that serves <paramref name="file"/> with <c>Range</c> support (206 and Content-Range), as a well-behaved server does.</summary>
    public static Script Serving(byte[] file) => (request, stream, stop) => SendFileAsync(stream, request.Head, file, stop);

    /// <summary>A script that answers every request with a redirect to <paramref name="location"/>, written verbatim.</summary>
    public static Script RedirectingTo(string location, int status = 302) => (_, stream, stop) =>
        WriteAsync(stream, $"HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);

    protected override Task RespondAsync(string head, NetworkStream stream, CancellationToken stop)
    {
        if (head.Length == 0)
        {
            return Task.CompletedTask;
        }
        var request = new ScriptedRequest(Interlocked.Increment(ref _count) - 1, head);
        _requests.Enqueue(request);
        return _script(request, stream, stop);
    }
}
