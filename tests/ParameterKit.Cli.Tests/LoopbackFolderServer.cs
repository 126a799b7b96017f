using System.Net.Sockets;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// A loopback-only (127.0.0.1) HTTP/1.1 server for several files by path, with <c>Range</c> support: enough to
/// serve a sharded checkpoint (index plus shards) the way the Hugging Face hub does. Counts body bytes sent.
/// </summary>
/// <remarks>The single-file <see cref="LoopbackRangeServer"/> of the library tests serves one file at every path.</remarks>
internal sealed class LoopbackFolderServer(IReadOnlyDictionary<string, byte[]> files) : LoopbackHttpServer
{
    private long _bytesSent;

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/repo/");

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    protected override async Task RespondAsync(string head, NetworkStream stream, CancellationToken stop)
    {
        string path = Uri.UnescapeDataString(head.Split("\r\n")[0].Split(' ')[1]);
        string name = path.StartsWith("/repo/", StringComparison.Ordinal) ? path["/repo/".Length..] : "";
        if (!files.TryGetValue(name, out byte[]? file))
        {
            await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", stop);
            return;
        }
        Interlocked.Add(ref _bytesSent, await SendFileAsync(stream, head, file, stop));
    }
}
