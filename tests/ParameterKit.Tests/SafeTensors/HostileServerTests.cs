using System.Buffers.Binary;
using System.Text;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// <see cref="HttpRangeSource"/> against servers that misbehave on purpose (127.0.0.1 only): every failure is a
/// typed <see cref="RemoteReadException"/> within the client's timeout, never a hang, never unbounded memory, and
/// redirects go only where the policy allows. Each test is bounded: the client timeout is 1 s where the timeout is the point (5 s elsewhere, as the machine may
/// be busy) and every await
/// carries a 20 s guard, so a regression fails instead of hanging the run.
/// </summary>
public sealed class HostileServerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    /// <summary>A valid one-tensor checkpoint: an 8-byte length, a padded JSON header, 8 bytes of data.</summary>
    internal static byte[] TinyCheckpoint()
    {
        string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        json = json.PadRight((json.Length + 7) / 8 * 8);
        var file = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        Encoding.ASCII.GetBytes(json, file.AsSpan(8));
        return file;
    }

    private static HttpClient Client(double seconds = 5) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(seconds) };

    private static async Task<RemoteReadException> Fails(Func<Task> read)
    {
        Task attempt = read();
        // A hang is a failure of its own, reported as such rather than as a stuck test run.
        await Task.WhenAny(attempt, Task.Delay(Guard));
        Assert.True(attempt.IsCompleted, $"the read was still running after {Guard.TotalSeconds} s");
        return await Assert.ThrowsAsync<RemoteReadException>(() => attempt);
    }

    [Fact]
    public async Task A_server_that_stalls_after_its_headers_times_out()
    {
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\n\r\n", stop);
            await Task.Delay(Timeout.Infinite, stop);
        });
        using HttpClient client = Client(seconds: 1);

        var e = await Fails(() => new HttpRangeSource(client, server.At("/m.safetensors")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.Timeout, e.Kind);
        Assert.Contains(server.At("/m.safetensors").ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_trickles_a_byte_at_a_time_times_out_although_no_single_wait_is_long()
    {
        // One byte every 300 ms: any per-read idle timeout of 1 s would be satisfied forever; the deadline on the
        // whole read is not.
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\n\r\n", stop);
            while (true)
            {
                await Task.Delay(300, stop);
                await stream.WriteAsync(new byte[1], stop);
            }
        });
        using HttpClient client = Client(seconds: 1);

        var e = await Fails(() => new HttpRangeSource(client, server.At("/m.safetensors")).ReadAsync(0, 8).AsTask());

        Assert.Equal(RemoteReadErrorKind.Timeout, e.Kind);
    }

    [Fact]
    public async Task A_server_that_stalls_the_second_range_request_times_out()
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
        using HttpClient client = Client(seconds: 1);

        var e = await Fails(() => new HttpRangeSource(client, server.At("/m.safetensors")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.Timeout, e.Kind);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task An_endless_chunked_body_is_cut_at_the_cap_while_reading()
    {
        const int cap = 1 << 20;
        long sent = 0;
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
        {
            // No Content-Length: nothing to check up front. 64 KiB chunks of '[' forever.
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", stop);
            byte[] chunk = Encoding.ASCII.GetBytes("10000\r\n" + new string('[', 0x10000) + "\r\n");
            while (true)
            {
                await stream.WriteAsync(chunk, stop);
                Interlocked.Add(ref sent, 0x10000);
            }
        });
        using HttpClient client = Client(seconds: 10);

        var e = await Fails(() => new HttpRangeSource(client, server.At("/index.json")).ReadAllAsync(cap).AsTask());

        Assert.Equal(RemoteReadErrorKind.TooLarge, e.Kind);
        Assert.Contains("1,048,576", e.Message, StringComparison.Ordinal);
        // The reader stopped at the cap: what the server managed to send beyond it sat in socket buffers (a few MB
        // at most on loopback), not in the reader's memory.
        Assert.True(Interlocked.Read(ref sent) < cap + (32 << 20), $"{Interlocked.Read(ref sent)} bytes were sent");
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_reading_and_one_at_the_cap_is_read()
    {
        byte[] body = new byte[1000];
        using var server = new ScriptedHttpServer(ScriptedHttpServer.Serving(body));
        using HttpClient client = Client();
        var source = new HttpRangeSource(client, server.At("/index.json"));

        var e = await Fails(() => source.ReadAllAsync(999).AsTask());
        byte[] read = await source.ReadAllAsync(1000).AsTask().WaitAsync(Guard);

        Assert.Equal(RemoteReadErrorKind.TooLarge, e.Kind);
        Assert.Contains("declares 1000 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(1000, read.Length);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:70/1model")]
    [InlineData("ftp://127.0.0.1/model.safetensors")]
    public async Task A_redirect_to_another_scheme_is_refused_naming_where_it_pointed(string location)
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo(location));
        using HttpClient client = Client();

        var e = await Fails(() => new HttpRangeSource(client, server.At("/m.safetensors")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.RedirectRefused, e.Kind);
        Assert.Contains(location, e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("http://[::1")]
    [InlineData("http://127.0.0.1:99999/m.safetensors")]
    [InlineData("")]
    public async Task A_malformed_or_missing_location_is_a_typed_error(string location)
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo(location, 301));
        using HttpClient client = Client();

        var e = await Fails(() => new HttpRangeSource(client, server.At("/m.safetensors")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.RedirectRefused, e.Kind);
        Assert.Contains(location.Length == 0 ? "without a Location" : location, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_redirects_are_followed_and_a_sixth_is_refused()
    {
        byte[] file = TinyCheckpoint();
        ScriptedHttpServer.Script serve = ScriptedHttpServer.Serving(file);
        // /hop/N redirects to /hop/N-1; /hop/0 is the file.
        using var server = new ScriptedHttpServer((request, stream, stop) =>
        {
            int n = int.Parse(request.Target["/hop/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return n == 0 ? serve(request, stream, stop) : ScriptedHttpServer.RedirectingTo($"/hop/{n - 1}", 307)(request, stream, stop);
        });
        using HttpClient client = Client();

        SafeTensorsHeader header = await new HttpRangeSource(client, server.At("/hop/5")).ReadHeaderAsync().AsTask().WaitAsync(Guard);
        var e = await Fails(() => new HttpRangeSource(client, server.At("/hop/6")).ReadHeaderAsync().AsTask());

        Assert.Equal("w", Assert.Single(header.Tensors).Name);
        Assert.Equal(RemoteReadErrorKind.TooManyRedirects, e.Kind);
        Assert.Contains("at most 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_another_host_carries_no_credentials_but_keeps_the_range()
    {
        byte[] file = TinyCheckpoint();
        using var target = new ScriptedHttpServer(ScriptedHttpServer.Serving(file));
        // 127.0.0.1 and localhost are different hosts to a client (as to a browser), though one socket here.
        using var origin = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo(target.At("/m.safetensors", host: "localhost").ToString()));
        using HttpClient client = Client();

        SafeTensorsHeader header = await new HttpRangeSource(client, origin.At("/m.safetensors", userInfo: "user:secret@"))
            .ReadHeaderAsync().AsTask().WaitAsync(Guard);

        Assert.Equal("w", Assert.Single(header.Tensors).Name);
        Assert.NotEmpty(target.Requests);
        foreach (ScriptedRequest request in target.Requests)
        {
            Assert.Null(request.Header("Authorization"));
            Assert.DoesNotContain("secret", request.Head, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes("user:secret")), request.Head, StringComparison.Ordinal);
            // Kept on purpose: the hub redirects every file to a CDN host, and without it a header read is a download.
            Assert.StartsWith("bytes=", request.Header("Range"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_redirect_from_https_down_to_http_is_refused()
    {
        // No TLS server is needed: the policy decides before any request to the target.
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Found);
        response.Headers.TryAddWithoutValidation("Location", "http://127.0.0.1:1/m.safetensors");

        var e = Assert.Throws<RemoteReadException>(() => RedirectPolicy.Next(new Uri("https://127.0.0.1:1/m.safetensors"), response, 0));

        Assert.Equal(RemoteReadErrorKind.RedirectRefused, e.Kind);
        Assert.Contains("from https down to", e.Message, StringComparison.Ordinal);
    }
}
