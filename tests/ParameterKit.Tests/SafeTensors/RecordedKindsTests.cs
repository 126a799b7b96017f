using ParameterKit.Parameters;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Checkpoints ParameterKit writes record each tensor's kind (<c>parameterkit.kinds</c>), and readers take it
/// from there instead of guessing from the name; foreign or malformed records fall back to inference.
/// </summary>
public sealed class RecordedKindsTests
{
    /// <summary>
    /// The sentiment sample's layout: its <c>embedding.weight</c> reads as a plain weight by Hugging Face naming
    /// rules (the module is not called wte or embed_tokens), and <c>norm.scale</c> as a weight too.
    /// </summary>
    private static ParameterStore Store()
    {
        var store = new ParameterStore();
        store.Scope("embedding").Embedding(10, 4);
        store.Scope("fc").Weight(3, 4);
        store.Scope("fc").Bias(3);
        store.Scope("norm").NormGain(4, name: "scale");
        store.Materialize(seed: 1);
        return store;
    }

    [Fact]
    public void Save_records_every_kind_and_readers_use_the_record()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Store().Save(path);

        using var checkpoint = SafeTensorsCheckpoint.Open(path);
        Assert.Equal("pt", checkpoint.Metadata!["format"]);
        Assert.Equal("""{"embedding.weight":"embedding","fc.weight":"weight","fc.bias":"bias","norm.scale":"norm_gain"}""",
            checkpoint.Metadata[RecordedKinds.MetadataKey]);
        var recorded = RecordedKinds.Read(checkpoint.Metadata)!;
        Assert.Equal(ParameterKind.Embedding, recorded["embedding.weight"]);
        Assert.Equal(ParameterKind.NormGain, recorded["norm.scale"]);

        CheckpointCount exact = CheckpointCounter.Count(checkpoint.Tensors, checkpoint.Metadata);
        Assert.True(exact.KindsRecorded);
        Assert.Equal(40, exact.ByKind[ParameterKind.Embedding]);
        Assert.Equal(12, exact.ByKind[ParameterKind.Weight]);
        Assert.Equal(4, exact.ByKind[ParameterKind.NormGain]);

        // Without the record, the names are the only evidence, and they mislead.
        CheckpointCount inferred = CheckpointCounter.Count(checkpoint.Tensors);
        Assert.False(inferred.KindsRecorded);
        Assert.Equal(0, inferred.ByKind[ParameterKind.Embedding]);
        Assert.Equal(56, inferred.ByKind[ParameterKind.Weight]);
    }

    [Fact]
    public void User_metadata_is_kept_beside_the_record()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Store().Save(path, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "7" });
        using var checkpoint = SafeTensorsCheckpoint.Open(path);
        Assert.Equal("7", checkpoint.Metadata!["step"]);
        Assert.NotNull(RecordedKinds.Read(checkpoint.Metadata));
    }

    [Fact]
    public void Load_refuses_a_tensor_whose_recorded_kind_differs_from_the_declaration()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Store().Save(path);
        var other = new ParameterStore();
        other.Scope("embedding").Weight(10, 4);   // same name and shape, declared as a weight
        other.Scope("fc").Weight(3, 4);
        other.Scope("fc").Bias(3);
        other.Scope("norm").NormGain(4, name: "scale");
        other.Materialize(seed: 2);

        var e = Assert.Throws<CheckpointLoadException>(() => other.Load(path));
        CheckpointMismatch mismatch = Assert.Single(e.Report.Mismatched);
        Assert.Equal("embedding.weight", mismatch.Parameter);
        Assert.Contains("records it as embedding, the store declares weight", mismatch.Reason, StringComparison.Ordinal);

        ParameterStore same = Store();
        Assert.True(same.Load(path).IsComplete);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"a":"weird"}""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"a":{"b":"bias"}}""")]
    [InlineData("""{"a":"bias"} trailing""")]
    [InlineData("""{"a":"bias","a":"weight"}""")]
    [InlineData("""{"\ud800":"bias"}""")]
    [InlineData("""{"a":"bias\ud800"}""")]
    [InlineData("")]
    public void A_malformed_record_is_ignored_and_inference_applies(string value)
    {
        Assert.Null(RecordedKinds.Read(new Dictionary<string, string> { [RecordedKinds.MetadataKey] = value }));
    }

    [Fact]
    public void Encode_then_read_round_trips_arbitrary_names()
    {
        var random = new Random(18);
        for (int trial = 0; trial < 200; trial++)
        {
            var kinds = new Dictionary<string, ParameterKind>(StringComparer.Ordinal);
            for (int i = random.Next(0, 8); i > 0; i--)
            {
                // Any UTF-16 text without lone surrogates: quotes, backslashes, controls, non-ASCII.
                string name = new([.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => (char)random.Next(0, 0xD800))]);
                kinds[name] = (ParameterKind)random.Next(0, 4);
            }
            var read = RecordedKinds.Read(new Dictionary<string, string> { [RecordedKinds.MetadataKey] = RecordedKinds.Encode(kinds) });
            Assert.Equal(kinds, read);
        }
    }
}
