using System.Net;
using System.Net.Sockets;
using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// <c>inspect</c> of an http URL against the loopback range server (127.0.0.1 only): header-only reads, the same
/// report as the local file, and clear failures for servers without range support and unreachable hosts.
/// </summary>
public sealed class RemoteInspectTests
{
    [Fact]
    public void Url_inspect_reads_only_the_header_and_matches_the_local_report()
    {
        using var folder = new TempFolder();
        Checkpoints.WriteGpt2(new Gpt2Config(64, 16, 16, 3, 2), folder.File("model.safetensors"), 7);
        byte[] file = File.ReadAllBytes(folder.File("model.safetensors"));
        using var server = new LoopbackRangeServer(file);

        CliResult remote = CliRunner.Run("inspect", "--json", server.Uri.ToString());
        CliResult local = CliRunner.Run("inspect", "--json", folder.File("model.safetensors"));

        Assert.True(remote.ExitCode == 0, remote.Output + remote.Error);
        Assert.Equal("remote", remote.Json().GetProperty("layout").GetString());
        Assert.Equal(local.Json().GetProperty("total_parameters").GetInt64(), remote.Json().GetProperty("total_parameters").GetInt64());
        Assert.Equal(local.Json().GetProperty("tensors").GetRawText(), remote.Json().GetProperty("tensors").GetRawText());
        ulong headerEnd = local.Json().GetProperty("files")[0].GetProperty("data_start").GetUInt64();
        Assert.Equal((long)headerEnd, server.BytesSent);
    }

    [Fact]
    public void A_multi_gigabyte_remote_checkpoint_is_explained_from_its_first_kilobytes()
    {
        // A 6 GB file that exists nowhere: a header declaring one BF16 tensor, then zeros on demand.
        byte[] header = SyntheticHeader(out long length);
        using var server = new LoopbackRangeServer(offset => offset < header.Length ? header[offset] : (byte)0, length);

        CliResult result = CliRunner.Run("inspect", server.Uri.ToString());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Total parameters: 3,000,000,000", result.Output, StringComparison.Ordinal);
        Assert.True(server.BytesSent < 1024, $"{server.BytesSent} bytes were sent");
    }

    [Fact]
    public void Server_without_range_support_is_a_clear_error_unless_download_is_allowed()
    {
        using var folder = new TempFolder();
        Checkpoints.WriteGpt2(new Gpt2Config(64, 16, 16, 2, 2), folder.File("model.safetensors"), 3);
        using var server = new LoopbackRangeServer(File.ReadAllBytes(folder.File("model.safetensors")), honorRanges: false);

        CliResult refused = CliRunner.Run("inspect", server.Uri.ToString());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not support HTTP range requests", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-download", refused.Error, StringComparison.Ordinal);
        Assert.Equal("RangeNotSupported", CliRunner.Run("inspect", "--json", server.Uri.ToString()).ErrorJson().GetProperty("error").GetProperty("kind").GetString());

        CliResult allowed = CliRunner.Run("inspect", "--allow-download", server.Uri.ToString());
        Assert.True(allowed.ExitCode == 0, allowed.Error);
    }

    [Fact]
    public void Unreachable_url_is_a_clear_error()
    {
        // Bind a port, then free it: nothing listens there any more.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        CliResult result = CliRunner.Run("inspect", "--json", $"http://127.0.0.1:{port}/model.safetensors");

        Assert.Equal(1, result.ExitCode);
        var error = result.ErrorJson().GetProperty("error");
        Assert.Equal("Unreachable", error.GetProperty("kind").GetString());
        Assert.Contains($"127.0.0.1:{port}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_remote_file_exits_2_with_the_crate_kind()
    {
        using var server = new LoopbackRangeServer(File.ReadAllBytes(Corpus.PathOf("x_offset_hole.safetensors")));
        CliResult result = CliRunner.Run("inspect", "--json", server.Uri.ToString());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("InvalidOffset", result.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void Remote_sharded_index_reads_the_index_and_each_shard_header()
    {
        string folder = Corpus.PathOf("sharded_2");
        Dictionary<string, byte[]> files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        using var server = new LoopbackFolderServer(files);

        CliResult remote = CliRunner.Run("inspect", "--json", new Uri(server.BaseUri, "model.safetensors.index.json").ToString());
        CliResult local = CliRunner.Run("inspect", "--json", folder);

        Assert.True(remote.ExitCode == 0, remote.Output + remote.Error);
        Assert.Equal("sharded", remote.Json().GetProperty("layout").GetString());
        Assert.Equal(local.Json().GetProperty("tensors").GetRawText(), remote.Json().GetProperty("tensors").GetRawText());
        long shardBytes = files.Where(f => f.Key.EndsWith(".safetensors", StringComparison.Ordinal)).Sum(f => (long)f.Value.Length);
        long indexBytes = files["model.safetensors.index.json"].Length;
        Assert.True(server.BytesSent - indexBytes < shardBytes, "only the shard headers are fetched");
    }

    [Fact]
    public void Remote_index_naming_a_missing_shard_is_a_clear_error()
    {
        string folder = Corpus.PathOf("sharded_2");
        var files = new Dictionary<string, byte[]> { ["model.safetensors.index.json"] = File.ReadAllBytes(Path.Combine(folder, "model.safetensors.index.json")) };
        using var server = new LoopbackFolderServer(files);

        CliResult result = CliRunner.Run("inspect", new Uri(server.BaseUri, "model.safetensors.index.json").ToString());

        Assert.Equal(1, result.ExitCode);
        // The first shard the weight map names (keys sorted: lm_head.weight, in shard 2) is the first to fail.
        Assert.Contains("/repo/model-00002-of-00002.safetensors' (HTTP 404 NotFound)", result.Error, StringComparison.Ordinal);
    }

    /// <summary>A header for <c>{"model.embed_tokens.weight": BF16 [3e6, 1000]}</c>: 6 GB of data after it.</summary>
    internal static byte[] SyntheticHeader(out long fileLength)
    {
        const long bytes = 3_000_000_000L * 2;
        string json = $"{{\"model.embed_tokens.weight\":{{\"dtype\":\"BF16\",\"shape\":[3000000,1000],\"data_offsets\":[0,{bytes}]}}}}";
        byte[] text = System.Text.Encoding.UTF8.GetBytes(json);
        var header = new byte[8 + text.Length];
        BitConverter.TryWriteBytes(header.AsSpan(0, 8), (ulong)text.Length);
        text.CopyTo(header, 8);
        fileLength = header.Length + bytes;
        return header;
    }
}
