using System.Buffers.Binary;
using System.Text;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// <c>inspect URL</c> against servers that misbehave on purpose (127.0.0.1 only), each case from issue 17: a stall
/// after the headers, a trickle, a stalled second range request, an endless index, redirects to other schemes and
/// hosts, and an absurd <c>--timeout</c>. Every run is bounded by its <c>--timeout</c> (1 s where the timeout is the point, 5 s where it is not, as the
/// machine may be busy) and a 20 s guard, so a
/// regression fails the test instead of hanging it.
/// </summary>
public sealed class HostileServerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static CliResult RunBounded(params string[] args)
    {
        Task<CliResult> run = Task.Run(() => CliRunner.Run(args));
        Assert.True(run.Wait(Guard), $"parameterkit {string.Join(' ', args)} was still running after {Guard.TotalSeconds} s");
        return run.Result;
    }

    private static (string Kind, string Message) Error(CliResult result)
    {
        Assert.True(result.ExitCode != 0, result.Output);
        var error = result.ErrorJson().GetProperty("error");
        return (error.GetProperty("kind").GetString()!, error.GetProperty("message").GetString()!);
    }

    private static byte[] TinyCheckpoint()
    {
        string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        json = json.PadRight((json.Length + 7) / 8 * 8);
        var file = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        Encoding.ASCII.GetBytes(json, file.AsSpan(8));
        return file;
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("cost")] // cost of a URL takes inspect's --timeout
    public void A_stall_after_the_headers_is_a_timeout_not_a_hang(string command)
    {
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\n\r\n", stop);
            await Task.Delay(Timeout.Infinite, stop);
        });

        (string kind, string message) = Error(RunBounded(command, "--json", "--timeout", "1", server.At("/model.safetensors").ToString()));

        Assert.Equal("Timeout", kind);
        Assert.Contains("within 1 s", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_cut_off_mid_body_names_the_address_it_was_reading()
    {
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            // Eight bytes promised, three sent, then the connection closes.
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\n\r\nabc", stop);
        });
        string url = server.At("/model.safetensors").ToString();

        (string kind, string message) = Error(RunBounded("inspect", "--json", "--timeout", "5", url));

        Assert.Equal("Unreachable", kind);
        Assert.Contains(url, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trickle_of_one_byte_every_300_ms_is_a_timeout()
    {
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\n\r\n", stop);
            while (true)
            {
                await Task.Delay(300, stop);
                await stream.WriteAsync(new byte[1], stop);
            }
        });

        Assert.Equal("Timeout", Error(RunBounded("inspect", "--json", "--timeout", "1", server.At("/model.safetensors").ToString())).Kind);
    }

    [Fact]
    public void A_stalled_second_range_request_is_a_timeout()
    {
        byte[] file = TinyCheckpoint();
        ScriptedHttpServer.Script serve = ScriptedHttpServer.Serving(file);
        using var server = new ScriptedHttpServer(async (request, stream, stop) =>
        {
            if (request.Number == 0)
            {
                await serve(request, stream, stop);
                return;
            }
            await ScriptedHttpServer.WriteAsync(stream, $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 8-{file.Length - 9}/{file.Length}\r\nContent-Length: {file.Length - 16}\r\n\r\n", stop);
            await Task.Delay(Timeout.Infinite, stop);
        });

        Assert.Equal("Timeout", Error(RunBounded("inspect", "--json", "--timeout", "1", server.At("/model.safetensors").ToString())).Kind);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void An_endless_index_without_content_length_is_cut_at_64_MiB()
    {
        const long cap = 64L << 20;
        long sent = 0;
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", stop);
            byte[] chunk = Encoding.ASCII.GetBytes("100000\r\n" + new string(' ', 0x100000) + "\r\n");
            // Endless as far as a correct client can tell; the server gives up at twice the cap only so that a
            // client without the check (today's main read on towards 2 GB) fails this test in bounded time.
            while (Interlocked.Read(ref sent) < 2 * cap)
            {
                await stream.WriteAsync(chunk, stop);
                Interlocked.Add(ref sent, 0x100000);
            }
            await ScriptedHttpServer.WriteAsync(stream, "0\r\n\r\n", stop);
        });

        (string kind, string message) = Error(RunBounded("inspect", "--json", "--timeout", "15", server.At("/repo/model.safetensors.index.json").ToString()));

        Assert.Equal("InvalidIndex", kind);
        Assert.Contains("67,108,864", message, StringComparison.Ordinal);
        // What the server counts as sent includes what the kernel buffered after the client stopped reading: loopback's
        // receive buffer autotunes up to net.ipv4.tcp_rmem's maximum (32 MiB on this project's machines, where a run
        // once counted 99 MiB against an old bound of 96), plus the send buffer. A client without the check reads on to
        // twice the cap, past this bound on every machine.
        long slack = Math.Min(SocketBufferMaximum("tcp_rmem") + SocketBufferMaximum("tcp_wmem") + (8L << 20), cap - (8L << 20));
        Assert.True(Interlocked.Read(ref sent) < cap + slack, $"{Interlocked.Read(ref sent)} bytes were sent before the client hung up (allowed: {cap + slack})");
    }

    /// <summary>The largest a TCP socket buffer may autotune to (the third field of /proc/sys/net/ipv4/NAME), 16 MiB where unknown.</summary>
    private static long SocketBufferMaximum(string name)
    {
        string path = Path.Combine("/proc/sys/net/ipv4", name);
        return File.Exists(path) && File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [_, _, var max]
            && long.TryParse(max, System.Globalization.CultureInfo.InvariantCulture, out long bytes) ? bytes : 16L << 20;
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:70/1model")]
    [InlineData("ftp://127.0.0.1/model.safetensors")]
    [InlineData("http://[::1")]
    public void A_redirect_elsewhere_than_http_is_refused_saying_where_it_pointed(string location)
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo(location));

        (string kind, string message) = Error(RunBounded("inspect", "--json", "--timeout", "5", server.At("/model.safetensors").ToString()));

        Assert.Equal("RedirectRefused", kind);
        Assert.Contains(location, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redirect_loop_stops_after_five()
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo("/model.safetensors"));

        Assert.Equal("RedirectRefused", Error(RunBounded("inspect", "--json", "--timeout", "5", server.At("/model.safetensors").ToString())).Kind);
        Assert.Equal(6, server.Requests.Count);
    }

    [Fact]
    public void Credentials_are_not_carried_to_another_host()
    {
        using var target = new ScriptedHttpServer(ScriptedHttpServer.Serving(TinyCheckpoint()));
        using var origin = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo(target.At("/model.safetensors", host: "localhost").ToString()));

        CliResult result = RunBounded("inspect", "--json", "--timeout", "5", origin.At("/model.safetensors", userInfo: "user:secret@").ToString());

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.NotEmpty(target.Requests);
        Assert.All(target.Requests, request =>
        {
            Assert.Null(request.Header("Authorization"));
            Assert.DoesNotContain("secret", request.Head, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("86401")]
    [InlineData("0")]
    [InlineData("0", "cost")]
    public void An_out_of_range_timeout_is_a_usage_error_not_a_crash(string seconds, string command = "inspect")
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.Serving(TinyCheckpoint()));

        (string kind, string message) = Error(RunBounded(command, "--json", "--timeout", seconds, server.At("/model.safetensors").ToString()));

        Assert.Equal("Usage", kind);
        Assert.Contains("--timeout", message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
