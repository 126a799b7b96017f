using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>The corpus's 2-shard checkpoint and broken variants of it.</summary>
public sealed class ShardedCheckpointTests
{
    private static readonly string Index = Corpus.PathOf("sharded_2/model.safetensors.index.json");

    public static TheoryData<string> ManifestIndexes()
    {
        var data = new TheoryData<string>();
        foreach (System.Text.Json.JsonElement index in Corpus.Manifest.GetProperty("indexes").EnumerateArray())
        {
            data.Add(index.GetProperty("index_file").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestIndexes))]
    public void Every_manifest_index_opens_with_its_weight_map_and_shards(string indexFile)
    {
        System.Text.Json.JsonElement expected = Corpus.Manifest.GetProperty("indexes").EnumerateArray()
            .Single(i => i.GetProperty("index_file").GetString() == indexFile);
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(Corpus.PathOf(indexFile));
        SafeTensorsIndex index = SafeTensorsIndex.Load(Corpus.PathOf(indexFile));

        var weightMap = expected.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(weightMap.OrderBy(p => p.Key, StringComparer.Ordinal), index.WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.GetProperty("shards").EnumerateArray().Select(s => Path.GetFileName(s.GetString()!)).Order(StringComparer.Ordinal),
            checkpoint.Files.Select(f => Path.GetFileName(f.FilePath)).Order(StringComparer.Ordinal));
        Assert.Equal(expected.GetProperty("metadata").GetProperty("total_size").GetInt64(), index.TotalSize);
        Assert.Equal(index.TotalSize, checkpoint.Tensors.Sum(t => (long)t.ByteLength));
        foreach ((string name, string shard) in weightMap)
        {
            Assert.True(checkpoint.TryGetTensor(name, out SafeTensorInfo? info));
            Assert.Equal(shard, Path.GetFileName(checkpoint.FileOf(info).FilePath));
        }
    }

    [Fact]
    public void Sharded_checkpoint_opens_as_one()
    {
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(Index);
        Assert.Equal(2, checkpoint.Files.Count);
        Assert.Equal(["lm_head.weight", "model.embed.weight", "model.layers.0.w", "model.layers.1.w"], checkpoint.Tensors.Select(t => t.Name));
        Assert.Equal(64UL, (ulong)checkpoint.Tensors.Sum(t => (long)t.ByteLength));
        Assert.Equal(64, SafeTensorsIndex.Load(Index).TotalSize);
        foreach (SafeTensorInfo t in checkpoint.Tensors)
        {
            Assert.Equal((int)t.ByteLength, checkpoint.GetBytes(t.Name).Length);
            Assert.Contains(t.Name, checkpoint.FileOf(t).Header.Tensors.Select(x => x.Name));
        }
        Assert.Equal("pt", checkpoint.Metadata?["format"]);
    }

    private static string CopyWithIndex(TempFolder folder, string indexText)
    {
        foreach (string shard in Directory.GetFiles(Path.GetDirectoryName(Index)!, "*.safetensors"))
        {
            File.Copy(shard, folder.File(Path.GetFileName(shard)));
        }
        string index = folder.File("model.safetensors.index.json");
        File.WriteAllText(index, indexText);
        return index;
    }

    [Fact]
    public void A_tensor_missing_from_its_shard_is_tensor_not_found()
    {
        using var folder = new TempFolder();
        string index = CopyWithIndex(folder, File.ReadAllText(Index).Replace("\"model.layers.1.w\"", "\"model.layers.9.w\"", StringComparison.Ordinal));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(index));
        Assert.Equal(SafeTensorsErrorKind.TensorNotFound, e.Kind);
        Assert.Equal("model.layers.9.w", e.TensorName);
        Assert.Contains("model-00002-of-00002.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_shard_is_an_invalid_index_naming_it()
    {
        using var folder = new TempFolder();
        string index = CopyWithIndex(folder, File.ReadAllText(Index));
        File.Delete(folder.File("model-00002-of-00002.safetensors"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(index));
        Assert.Equal(SafeTensorsErrorKind.InvalidIndex, e.Kind);
        Assert.Contains("model-00002-of-00002.safetensors", e.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Theory]
    [InlineData("{\"weight_map\":{\"a\":\"../escape.safetensors\"}}")]
    [InlineData("{\"metadata\":{}}")]
    [InlineData("{\"weight_map\":{\"a\":1}}")]
    [InlineData("[1]")]
    [InlineData("{\"weight_map\":")]
    public void Malformed_indexes_are_invalid_index(string text) =>
        Assert.Equal(SafeTensorsErrorKind.InvalidIndex,
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsIndex.Parse(System.Text.Encoding.UTF8.GetBytes(text), "idx")).Kind);

    [Fact]
    public void A_single_file_opens_as_a_checkpoint_too()
    {
        using SafeTensorsCheckpoint checkpoint = SafeTensorsCheckpoint.Open(Corpus.PathOf("v_all_dtypes.safetensors"));
        Assert.Single(checkpoint.Files);
        Assert.Equal(22, checkpoint.Tensors.Count);
    }
}
