using System.Text;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Sharded indexes: strings that are not text are typed errors, and an index that disagrees with its shards is
/// refused by default, accepted by a lenient open that lists what it tolerated.
/// </summary>
public sealed class IndexConsistencyTests
{
    [Theory]
    [InlineData("{\"weight_map\":{\"\\ud800\":\"a.safetensors\"}}")]
    [InlineData("{\"weight_map\":{\"a\":\"\\udc00.safetensors\"}}")]
    [InlineData("{\"\\ud800\":1,\"weight_map\":{}}")]
    public void A_lone_surrogate_escape_is_an_invalid_index(string text)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsIndex.Parse(Encoding.UTF8.GetBytes(text), "idx"));
        Assert.Equal(SafeTensorsErrorKind.InvalidIndex, e.Kind);
        Assert.Contains("invalid string", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a surrogate encoded directly in UTF-8 (CESU), not valid UTF-8
    public void Invalid_utf8_in_a_key_or_shard_name_is_an_invalid_index(byte[] bad)
    {
        foreach (string template in new[] { "{\"weight_map\":{\"a@\":\"s.safetensors\"}}", "{\"weight_map\":{\"a\":\"s@.safetensors\"}}" })
        {
            byte[] prefix = Encoding.UTF8.GetBytes(template[..template.IndexOf('@')]);
            byte[] suffix = Encoding.UTF8.GetBytes(template[(template.IndexOf('@') + 1)..]);
            byte[] json = [.. prefix, .. bad, .. suffix];
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsIndex.Parse(json, "idx"));
            Assert.Equal(SafeTensorsErrorKind.InvalidIndex, e.Kind);
        }
    }

    [Fact]
    public void Opening_an_index_with_a_lone_surrogate_is_an_invalid_index()
    {
        using var folder = new TempFolder();
        string index = folder.File("model.safetensors.index.json");
        File.WriteAllText(index, "{\"weight_map\":{\"\\ud800\":\"a.safetensors\"}}");
        Assert.Equal(SafeTensorsErrorKind.InvalidIndex, Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(index)).Kind);
    }

    /// <summary>Two shards: a.safetensors holds x (4 bytes) and y (8 bytes), b.safetensors holds z (4 bytes).</summary>
    private static string TwoShards(TempFolder folder, string weightMap, string? extraTensorInB = null, string metadata = "", string trailing = "")
    {
        Save(folder.File("a.safetensors"), ("x", 1), ("y", 2));
        Save(folder.File("b.safetensors"), extraTensorInB is null ? [("z", 1)] : [("z", 1), (extraTensorInB, 1)]);
        string index = folder.File("model.safetensors.index.json");
        File.WriteAllText(index, "{" + metadata + "\"weight_map\":{" + weightMap + "}}" + trailing);
        return index;
    }

    private static void Save(string path, params (string Name, int Floats)[] tensors)
    {
        var writer = new SafeTensorsWriter();
        foreach ((string name, int floats) in tensors)
        {
            writer.Add(name, new Shape(floats), new float[floats]);
        }
        writer.Save(path);
    }

    private const string ConsistentMap = "\"x\":\"a.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"";

    [Fact]
    public void A_consistent_index_opens_strictly_with_nothing_tolerated()
    {
        using var folder = new TempFolder();
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(TwoShards(folder, ConsistentMap, metadata: "\"metadata\":{\"total_size\":16},"));
        Assert.Equal(["x", "y", "z"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Empty(checkpoint.Tolerated);
    }

    public static TheoryData<string, string> Inconsistencies() => new()
    {
        // case name, and the words the error and the tolerated list must carry
        { "two shards", "stored in two shards" },
        { "unlisted", "which the weight map does not list" },
        { "total_size", "`metadata.total_size` is 17" },
        { "total_size text", "`metadata.total_size` is abc, not a whole number of bytes" },   // was read as absent
        { "total_size huge", "`metadata.total_size` is 1e300, not a whole number of bytes" },
        { "repeated key", "names tensor 'x' twice" },
        { "trailing data", "trailing data after the JSON object" },
        { "symlink outside", "symbolic link" },
    };

    private static string Build(TempFolder folder, string inconsistency)
    {
        switch (inconsistency)
        {
            case "two shards":
                return TwoShards(folder, ConsistentMap, extraTensorInB: "x");
            case "unlisted":
                return TwoShards(folder, ConsistentMap, extraTensorInB: "w");
            case "total_size":
                return TwoShards(folder, ConsistentMap, metadata: "\"metadata\":{\"total_size\":17},");
            case "total_size text":
                return TwoShards(folder, ConsistentMap, metadata: "\"metadata\":{\"total_size\":\"abc\"},");
            case "total_size huge":
                return TwoShards(folder, ConsistentMap, metadata: "\"metadata\":{\"total_size\":1e300},");
            case "repeated key":
                return TwoShards(folder, "\"x\":\"b.safetensors\"," + ConsistentMap);
            case "trailing data":
                return TwoShards(folder, ConsistentMap, trailing: "\n}garbage");
            default:
                // The shard's bytes live outside the folder; the link inside points at them.
                string index = TwoShards(folder, ConsistentMap);
                string elsewhere = Path.Combine(Path.GetTempPath(), "pk-outside-" + Guid.NewGuid().ToString("N") + ".safetensors");
                File.Move(folder.File("b.safetensors"), elsewhere);
                File.CreateSymbolicLink(folder.File("b.safetensors"), elsewhere);
                Outside.Add(elsewhere);
                return index;
        }
    }

    private static readonly List<string> Outside = [];

    [Theory]
    [MemberData(nameof(Inconsistencies))]
    public void An_inconsistent_index_is_refused_strictly_and_listed_when_lenient(string inconsistency, string words)
    {
        using var folder = new TempFolder();
        string index = Build(folder, inconsistency);
        try
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(index));
            Assert.Equal(SafeTensorsErrorKind.InvalidIndex, e.Kind);
            Assert.Contains(words, e.Message, StringComparison.Ordinal);
            Assert.Contains(index, e.Message, StringComparison.Ordinal);

            using SafeTensorsCheckpoint lenient = SafeTensorsCheckpoint.Open(index, lenientIndex: true);
            Assert.Contains(lenient.Tolerated, t => t.Contains(words, StringComparison.Ordinal));
            // Lenient reading exposes exactly the weight map's tensors, each from the shard it names.
            Assert.Equal(["x", "y", "z"], lenient.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (string file in Outside.ToArray())
            {
                File.Delete(file);
                Outside.Remove(file);
            }
        }
    }

    [Fact]
    public void A_tensor_stored_in_two_shards_is_read_from_the_shard_the_weight_map_names()
    {
        using var folder = new TempFolder();
        string index = TwoShards(folder, ConsistentMap, extraTensorInB: "x");
        using SafeTensorsCheckpoint lenient = SafeTensorsCheckpoint.Open(index, lenientIndex: true);
        Assert.True(lenient.TryGetTensor("x", out SafeTensorInfo? x));
        Assert.Equal("a.safetensors", Path.GetFileName(lenient.FileOf(x).FilePath));
    }

    [Fact]
    public void Looking_up_a_null_name_names_the_parameter()
    {
        using var folder = new TempFolder();
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(TwoShards(folder, ConsistentMap));
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => checkpoint.TryGetTensor(null!, out _)).ParamName);
    }

    [Fact]
    public void A_hugging_face_cache_snapshot_linking_into_its_blobs_opens_strictly()
    {
        // models--org--name/snapshots/<rev>/<file> -> ../../blobs/<hash>: how huggingface_hub stores every download.
        using var cache = new TempFolder();
        string repo = Path.Combine(cache.Path, "models--org--name");
        string blobs = Directory.CreateDirectory(Path.Combine(repo, "blobs")).FullName;
        string snapshot = Directory.CreateDirectory(Path.Combine(repo, "snapshots", "0123abcd")).FullName;
        Save(Path.Combine(blobs, "aaaa"), ("x", 1));
        File.WriteAllText(Path.Combine(blobs, "bbbb"), "{\"metadata\":{\"total_size\":4},\"weight_map\":{\"x\":\"model-00001-of-00001.safetensors\"}}");
        File.CreateSymbolicLink(Path.Combine(snapshot, "model-00001-of-00001.safetensors"), "../../blobs/aaaa");
        File.CreateSymbolicLink(Path.Combine(snapshot, "model.safetensors.index.json"), "../../blobs/bbbb");

        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(Path.Combine(snapshot, "model.safetensors.index.json"));
        Assert.Equal(["x"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Empty(checkpoint.Tolerated);
    }

    [Fact]
    public void A_tensor_missing_from_its_shard_is_refused_even_when_lenient()
    {
        using var folder = new TempFolder();
        string index = TwoShards(folder, ConsistentMap + ",\"ghost\":\"b.safetensors\"");
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(index, lenientIndex: true));
        Assert.Equal(SafeTensorsErrorKind.TensorNotFound, e.Kind);
        Assert.Equal("ghost", e.TensorName);
    }
}
