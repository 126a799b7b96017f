using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// A sharded checkpoint read over HTTP gets the consistency checks a local one gets (issue 17, item 10): strict by
/// default, each inconsistency an <c>InvalidIndex</c> (exit 2) naming what is wrong; <c>--lenient-index</c> accepts
/// and lists them. Served from 127.0.0.1 by <see cref="LoopbackFolderServer"/>.
/// </summary>
public sealed class RemoteIndexConsistencyTests
{
    private const string ConsistentMap = "\"x\":\"a.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"";

    /// <summary>Shard a holds x (4 bytes) and y (8 bytes); shard b holds z (4 bytes) and any extra tensors.</summary>
    private static Dictionary<string, byte[]> Files(string index, params string[] extraInB)
    {
        using var folder = new TempFolder();
        var a = new SafeTensorsWriter();
        a.Add("x", new Shape(1), new float[] { 1 });
        a.Add("y", new Shape(2), new float[] { 2, 3 });
        a.Save(folder.File("a.safetensors"));
        var b = new SafeTensorsWriter();
        b.Add("z", new Shape(1), new float[] { 4 });
        foreach (string extra in extraInB)
        {
            b.Add(extra, new Shape(1), new float[] { 5 });
        }
        b.Save(folder.File("b.safetensors"));
        return new Dictionary<string, byte[]>
        {
            ["a.safetensors"] = File.ReadAllBytes(folder.File("a.safetensors")),
            ["b.safetensors"] = File.ReadAllBytes(folder.File("b.safetensors")),
            ["model.safetensors.index.json"] = System.Text.Encoding.UTF8.GetBytes(index),
        };
    }

    private static string Index(string map, int totalSize = 16, string trailing = "") =>
        $"{{\"metadata\":{{\"total_size\":{totalSize}}},\"weight_map\":{{{map}}}}}{trailing}";

    public static TheoryData<string, string, string[], string> Inconsistencies => new()
    {
        { "two shards", Index(ConsistentMap), ["x"], "stored in two shards" },
        { "unlisted", Index(ConsistentMap), ["w"], "which the weight map does not list" },
        { "total_size", Index(ConsistentMap, totalSize: 99), [], "`metadata.total_size` is 99" },
        { "repeated key", Index(ConsistentMap + ",\"x\":\"a.safetensors\""), [], "names tensor 'x' twice" },
        { "trailing", Index(ConsistentMap, trailing: "garbage"), [], "trailing data" },
    };

    [Theory]
    [MemberData(nameof(Inconsistencies))]
    public void A_remote_inconsistent_index_is_refused_strictly_and_listed_when_lenient(string what, string index, string[] extraInB, string finding)
    {
        using var server = new LoopbackFolderServer(Files(index, extraInB));
        string url = new Uri(server.BaseUri, "model.safetensors.index.json").ToString();

        CliResult strict = CliRunner.Run("inspect", "--json", "--timeout", "5", url);
        Assert.True(strict.ExitCode == 2, $"{what}: {strict.Output}{strict.Error}");
        var error = strict.ErrorJson().GetProperty("error");
        Assert.Equal("InvalidIndex", error.GetProperty("kind").GetString());
        Assert.Contains(finding, error.GetProperty("message").GetString(), StringComparison.Ordinal);

        CliResult lenient = CliRunner.Run("inspect", "--json", "--timeout", "5", "--lenient-index", url);
        Assert.True(lenient.ExitCode == 0, $"{what}: {lenient.Error}");
        Assert.Contains(lenient.Json().GetProperty("tolerated").EnumerateArray(), t => t.GetString()!.Contains(finding, StringComparison.Ordinal));
        Assert.Equal(3, lenient.Json().GetProperty("tensors").GetArrayLength());
    }

    [Fact]
    public void A_remote_consistent_index_opens_strictly_with_nothing_tolerated()
    {
        using var server = new LoopbackFolderServer(Files(Index(ConsistentMap)));

        CliResult result = CliRunner.Run("inspect", "--json", "--timeout", "5", new Uri(server.BaseUri, "model.safetensors.index.json").ToString());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(0, result.Json().GetProperty("tolerated").GetArrayLength());
        Assert.Equal(3, result.Json().GetProperty("tensors").GetArrayLength());
    }

    [Fact]
    public void A_remote_tensor_missing_from_its_shard_is_refused_even_when_lenient()
    {
        using var server = new LoopbackFolderServer(Files(Index(ConsistentMap + ",\"q\":\"b.safetensors\"")));

        CliResult result = CliRunner.Run("inspect", "--json", "--timeout", "5", "--lenient-index", new Uri(server.BaseUri, "model.safetensors.index.json").ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("TensorNotFound", result.ErrorJson().GetProperty("error").GetProperty("kind").GetString());
    }
}
