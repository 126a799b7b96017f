using System.Buffers.Binary;
using System.Text;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Credentials in an address (<c>user:secret@</c>, <c>?token=</c>, <c>?sig=</c>) never reach the text of a message
/// or an exception (issue 17): <see cref="UriRedaction"/> itself, then every remote failure the library reports,
/// against servers on 127.0.0.1.
/// </summary>
public sealed class UriRedactionTests
{
    private const string Secret = "s3cr3t-Pa55";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("https://user:s3cr3t@host/m.safetensors", "https://***@host/m.safetensors")]
    [InlineData("https://s3cr3t@host:8443/a", "https://***@host:8443/a")]
    [InlineData("see 'http://u:p%40ss@h/x' and ftp://a:b@c", "see 'http://***@h/x' and ftp://***@c")]
    [InlineData("https://h/m?token=abc&v=1&SIG=xyz#f", "https://h/m?token=***&v=1&SIG=***#f")]
    [InlineData("https://h/m?X-Amz-Signature=abc&X-Amz-Credential=k/2024", "https://h/m?X-Amz-Signature=***&X-Amz-Credential=***")]
    [InlineData("https://h/m?monkey=1&keyring=2", "https://h/m?monkey=1&keyring=2")]
    [InlineData("/local/path/model.safetensors", "/local/path/model.safetensors")]
    [InlineData("user@host is not an address", "user@host is not an address")]
    public void Text_loses_credentials_and_secret_query_values_and_nothing_else(string text, string expected) =>
        Assert.Equal(expected, UriRedaction.Redact(text));

    [Fact]
    public void An_address_is_shown_escaped_so_an_at_sign_in_the_password_cannot_split_it()
    {
        var uri = new Uri("https://user:pa%40ss%2Fword@host/m.safetensors?access_token=t0k");
        string shown = UriRedaction.Redact(uri);
        Assert.Equal("https://***@host/m.safetensors?access_token=***", shown);
    }

    private static byte[] TinyCheckpoint()
    {
        string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var file = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        Encoding.ASCII.GetBytes(json, file.AsSpan(8));
        return file;
    }

    private static HttpClient Client(double seconds) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(seconds) };

    private static async Task<Exception> FailureOf(Func<Task> read)
    {
        Task attempt = read();
        await Task.WhenAny(attempt, Task.Delay(Guard));
        Assert.True(attempt.IsCompleted, $"the read was still running after {Guard.TotalSeconds} s");
        return await Assert.ThrowsAnyAsync<Exception>(() => attempt);
    }

    private static void AssertNoSecret(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            Assert.DoesNotContain(Secret, x.Message, StringComparison.Ordinal);
            if (x is RemoteReadException remote)
            {
                Assert.DoesNotContain(Secret, remote.Uri.ToString(), StringComparison.Ordinal);
            }
            if (x is SafeTensorsFormatException format)
            {
                Assert.DoesNotContain(Secret, format.FilePath ?? "", StringComparison.Ordinal);
            }
        }
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_names_the_address_without_its_credentials()
    {
        using var server = new ScriptedHttpServer(async (_, _, stop) => await Task.Delay(Timeout.Infinite, stop));
        using HttpClient client = Client(1);

        Exception e = await FailureOf(() => new HttpRangeSource(client, server.At("/m.safetensors?token=" + Secret, userInfo: $"user:{Secret}@")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.Timeout, Assert.IsType<RemoteReadException>(e).Kind);
        AssertNoSecret(e);
        Assert.Contains("***@127.0.0.1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_redirect_names_both_addresses_without_their_credentials()
    {
        using var server = new ScriptedHttpServer(ScriptedHttpServer.RedirectingTo($"ftp://admin:{Secret}@127.0.0.1/x?sig={Secret}"));
        using HttpClient client = Client(5);

        Exception e = await FailureOf(() => new HttpRangeSource(client, server.At("/m.safetensors", userInfo: $"user:{Secret}@")).ReadHeaderAsync().AsTask());

        Assert.Equal(RemoteReadErrorKind.RedirectRefused, Assert.IsType<RemoteReadException>(e).Kind);
        AssertNoSecret(e);
        Assert.Contains("ftp://***@127.0.0.1/x?sig=***", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_remote_header_names_the_address_without_its_credentials()
    {
        byte[] file = TinyCheckpoint();
        file[^9] = (byte)'x'; // the header's closing brace: the JSON no longer parses
        using var server = new ScriptedHttpServer(ScriptedHttpServer.Serving(file));
        using HttpClient client = Client(5);

        Exception e = await FailureOf(() => new HttpRangeSource(client, server.At("/m.safetensors", userInfo: $"user:{Secret}@")).ReadHeaderAsync().AsTask());

        Assert.IsType<SafeTensorsFormatException>(e);
        AssertNoSecret(e);
    }

    [Fact]
    public async Task A_short_body_names_the_address_without_its_credentials()
    {
        using var server = new ScriptedHttpServer(async (_, stream, stop) =>
            await ScriptedHttpServer.WriteAsync(stream, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-7/100\r\nContent-Length: 8\r\nConnection: close\r\n\r\nabc", stop));
        using HttpClient client = Client(5);

        Exception e = await FailureOf(() => new HttpRangeSource(client, server.At("/m.safetensors", userInfo: $"user:{Secret}@")).ReadHeaderAsync().AsTask());

        AssertNoSecret(e);
    }
}
