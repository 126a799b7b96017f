using System.Text.Json;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>The writer against the reference writer's bytes, and its own validation.</summary>
public sealed class WriterTests
{
    public static TheoryData<string> ReferenceWriterIdenticalFiles()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Corpus.Cases)
        {
            if (c.TryGetProperty("reference_writer_identical", out JsonElement flag) && flag.ValueKind == JsonValueKind.True)
            {
                data.Add(c.GetProperty("file").GetString()!);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceWriterIdenticalFiles))]
    public void Output_is_byte_identical_to_the_reference_writer(string file)
    {
        string path = Corpus.PathOf(file);
        byte[] written;
        using (SafeTensorsFile original = SafeTensorsFile.Open(path))
        {
            // Metadata key order is HashMap order in the crate; give ours in the file's order.
            var writer = new SafeTensorsWriter(original.Metadata);
            foreach (SafeTensorInfo t in original.Tensors)
            {
                writer.Add(t.Name, t.DType, t.Dimensions, original.GetBytes(t).ToArray());
            }
            written = writer.ToArray();
        }
        Assert.Equal(File.ReadAllBytes(path), written);
    }

    [Fact]
    public void Empty_writer_produces_the_16_byte_file()
    {
        byte[] bytes = new SafeTensorsWriter().ToArray();
        Assert.Equal(16, bytes.Length);
        Assert.Equal("{}      "u8.ToArray(), bytes[8..]);
    }

    [Fact]
    public void Round_trip_through_the_reader()
    {
        float[] w = [1f, -2f, 3.5f, float.NaN, -0f, 6f];
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        writer.Add("layer.weight", new Shape(2, 3), w);
        writer.Add("layer.bias", DType.BF16, [2], new byte[] { 0x80, 0x3F, 0x00, 0xC0 });
        using var folder = new TempFolder();
        string path = folder.File("m.safetensors");
        writer.Save(path);

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata!["format"]);
        Assert.Equal(w.Select(BitConverter.SingleToUInt32Bits), file.ReadSingles("layer.weight").Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal([1f, -2f], file.ReadSingles("layer.bias"));
        Assert.Equal(new Shape(2, 3), file.GetTensor("layer.weight").ToShape());
    }

    [Fact]
    public void Overwriting_a_longer_file_leaves_no_stale_bytes()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.safetensors");
        var big = new SafeTensorsWriter();
        big.Add("x", new Shape(1000), new float[1000]);
        big.Save(path);
        var small = new SafeTensorsWriter();
        small.Add("x", new Shape(2), new float[] { 1, 2 });
        small.Save(path);

        Assert.Equal(small.ToArray(), File.ReadAllBytes(path));
        using SafeTensorsFile reopened = SafeTensorsFile.Open(path);
        Assert.Equal([1f, 2f], reopened.ReadSingles("x"));
    }

    [Fact]
    public void Wrong_sizes_and_names_are_refused()
    {
        var writer = new SafeTensorsWriter();
        Assert.Equal(SafeTensorsErrorKind.InvalidTensorView,
            Assert.Throws<SafeTensorsFormatException>(() => writer.Add("a", DType.F32, [2], new byte[7])).Kind);
        Assert.Equal(SafeTensorsErrorKind.MisalignedSlice,
            Assert.Throws<SafeTensorsFormatException>(() => writer.Add("f4", DType.F4, [3], new byte[2])).Kind);
        Assert.Throws<ShapeMismatchException>(() => writer.Add("b", new Shape(3), new float[2]));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", DType.U8, [0], ReadOnlyMemory<byte>.Empty));
        writer.Add("c", DType.U8, [1], new byte[1]);
        Assert.Throws<ArgumentException>(() => writer.Add("c", DType.U8, [1], new byte[1]));
        Assert.Throws<ArgumentException>(() => writer.Add("\ud800", DType.U8, [1], new byte[1]));
    }

    [Fact]
    public void Metadata_with_a_null_value_or_a_repeated_key_is_refused_naming_the_key()
    {
        var nullValue = Assert.Throws<ArgumentException>(() => new SafeTensorsWriter([KeyValuePair.Create("format", (string)null!)]));
        Assert.Equal("metadata", nullValue.ParamName);
        Assert.Contains("'format'", nullValue.Message, StringComparison.Ordinal);
        // A JSON object with the key twice: readers disagree on which value wins, so the writer never writes one.
        var repeated = Assert.Throws<ArgumentException>(() => new SafeTensorsWriter([KeyValuePair.Create("format", "pt"), KeyValuePair.Create("format", "np")]));
        Assert.Contains("'format' appears twice", repeated.Message, StringComparison.Ordinal);
        Assert.Equal("metadata", Assert.Throws<ArgumentException>(() => new SafeTensorsWriter([KeyValuePair.Create((string)null!, "pt")])).ParamName);
    }

    [Fact]
    public void A_streamed_tensor_that_writes_too_few_bytes_is_an_error()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("s", DType.U8, [4], stream => stream.Write([1, 2, 3]));
        var e = Assert.Throws<SafeTensorsFormatException>(() => writer.ToArray());
        Assert.Equal(SafeTensorsErrorKind.InvalidTensorView, e.Kind);
        Assert.Equal("s", e.TensorName);
    }

    [Fact]
    public void Names_sort_by_utf8_bytes_like_rust_strings()
    {
        // U+FF5E sorts before U+1F600 in UTF-8 (and code points) but after it in UTF-16 code units.
        var writer = new SafeTensorsWriter();
        writer.Add("\U0001F600", DType.U8, [1], new byte[] { 1 });
        writer.Add("\uFF5E", DType.U8, [1], new byte[] { 2 });
        byte[] bytes = writer.ToArray();
        SafeTensorsHeader header = SafeTensorsHeader.Parse(bytes, (ulong)bytes.Length);
        Assert.Equal(["\uFF5E", "\U0001F600"], header.Tensors.Select(t => t.Name));
    }
}
