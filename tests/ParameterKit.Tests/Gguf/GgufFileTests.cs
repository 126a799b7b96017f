using System.Diagnostics;
using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Reading files llama.cpp's own writer made: every metadata type, every tensor's shape, type and offset, and values
/// bit-identical to gguf-py's dequantization (Fixtures/gguf/make_fixtures.py).
/// </summary>
public sealed class GgufFileTests
{
    [Fact]
    public void Metadata_values_of_every_type_read_back_as_written()
    {
        using var gguf = GgufFile.Open(GgufFixtures.Types);
        GgufMetadata m = gguf.Metadata;
        Assert.Equal("fixture", m.GetString("general.architecture"));
        Assert.Equal((byte)200, m.GetValue("test.u8"));
        Assert.Equal((sbyte)-100, m.GetValue("test.i8"));
        Assert.Equal((ushort)60000, m.GetValue("test.u16"));
        Assert.Equal((short)-30000, m.GetValue("test.i16"));
        Assert.Equal(4000000000u, m.GetValue("test.u32"));
        Assert.Equal(-2000000000, m.GetValue("test.i32"));
        Assert.Equal(0.15625f, m.GetValue("test.f32"));
        Assert.Equal(true, m.GetValue("test.bool"));
        Assert.Equal("héllo, GGUF", m.GetString("test.string"));
        Assert.Equal(18000000000000000000ul, m.GetValue("test.u64"));
        Assert.Equal(-9000000000000000000L, m.GetInteger("test.i64"));
        Assert.Equal(2.718281828459045, m.GetFloat("test.f64"));
        Assert.Equal(4000000000L, m.GetInteger("test.u32"));
        Assert.Equal([1L, -2L, 3L], m.GetIntegerArray("test.array_i32"));
        Assert.Equal([0.5f, -1.25f], (float[])m.GetValue("test.array_f32"));
        Assert.Equal([true, false, true], (bool[])m.GetValue("test.array_bool"));
        Assert.Equal(["a", "", "ünïcode"], m.GetStringArray("test.array_string"));
        Assert.Equal([0, 127, 255], (byte[])m.GetValue("test.array_u8"));
        GgufMetadataEntry array = m.Entries.Single(e => e.Key == "test.array_string");
        Assert.Equal((GgufValueType.Array, GgufValueType.String, 3ul), (array.Type, array.ElementType, array.Count));
    }

    [Fact]
    public void Metadata_lookups_fail_with_the_key_and_both_types()
    {
        using var gguf = GgufFile.Open(GgufFixtures.Types);
        var missing = Assert.Throws<GgufFormatException>(() => gguf.Metadata.GetString("no.such.key"));
        Assert.Equal(GgufErrorKind.KeyNotFound, missing.Kind);
        Assert.Contains("no.such.key", missing.Message);
        Assert.Contains("types.gguf", missing.Message);
        var wrong = Assert.Throws<GgufFormatException>(() => gguf.Metadata.GetString("test.u32"));
        Assert.Equal(GgufErrorKind.WrongValueType, wrong.Kind);
        Assert.Contains("UInt32, not a string", wrong.Message);
        Assert.Equal(GgufErrorKind.WrongValueType,
            Assert.Throws<GgufFormatException>(() => gguf.Metadata.GetInteger("test.u64")).Kind); // beyond long.MaxValue
    }

    [Theory]
    [InlineData("types.gguf", 3u, 32u)]
    [InlineData("aligned64_v2.gguf", 2u, 64u)]
    public void Tensors_dequantize_to_exactly_what_gguf_py_computes(string file, uint version, uint alignment)
    {
        using var gguf = GgufFile.Open(Path.Combine(GgufFixtures.Folder, file));
        Assert.Equal(version, gguf.Header.Version);
        Assert.Equal(alignment, gguf.Header.Alignment);
        Assert.Equal(0ul, gguf.Header.DataStart % alignment);
        Assert.Equal(GgufFixtures.Expected.Keys, gguf.Tensors.Select(t => t.Name));
        ulong offset = 0;
        foreach (GgufTensorInfo t in gguf.Tensors)
        {
            (ulong[] shape, string type, float[] values) = GgufFixtures.Expected[t.Name];
            Assert.Equal(shape, t.Shape);
            Assert.Equal(shape.Reverse(), t.Dimensions.ToArray());
            Assert.Equal(type, t.Type.ToString());
            Assert.Equal(offset, t.Offset);
            offset += (t.ByteLength + alignment - 1) / alignment * alignment;
            float[] actual = gguf.ReadSingles(t.Name);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Quantized_sizes_are_exact()
    {
        using var gguf = GgufFile.Open(GgufFixtures.Types);
        Assert.Equal(3ul * 2 * 34, gguf.GetTensor("blocks.q8_0").ByteLength);   // 3 rows of 64: two blocks of 34 bytes each
        Assert.Equal(5ul * 3 * 18, gguf.GetTensor("blocks.q4_0").ByteLength);   // 5 rows of 96: three blocks of 18 bytes
        Assert.Equal(4ul * 3 * 2, gguf.GetTensor("plain.bf16").ByteLength);
        Assert.Equal(1.0625, gguf.GetTensor("vector.q8_0").BytesPerParameter);
        Assert.Equal(2 * 34, gguf.GetBytes(gguf.GetTensor("blocks.q8_0"))[..68].Length);
    }

    [Fact]
    public void Bytes_per_parameter_are_block_bytes_over_block_values()
    {
        Assert.Equal(4.0, GgufTensorTypes.BytesPerParameter(GgufTensorType.F32));
        Assert.Equal(2.0, GgufTensorTypes.BytesPerParameter(GgufTensorType.F16));
        Assert.Equal(2.0, GgufTensorTypes.BytesPerParameter(GgufTensorType.BF16));
        Assert.Equal(1.0625, GgufTensorTypes.BytesPerParameter(GgufTensorType.Q8_0));
        Assert.Equal(0.5625, GgufTensorTypes.BytesPerParameter(GgufTensorType.Q4_0));
        Assert.Equal(0.5625, GgufTensorTypes.BytesPerParameter(GgufTensorType.Q4_K));
        Assert.Equal(210.0 / 256, GgufTensorTypes.BytesPerParameter(GgufTensorType.Q6_K));
        Assert.False(GgufTensorTypes.IsDefined((GgufTensorType)4)); // Q4_2, retired
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufTensorTypes.BlockSize((GgufTensorType)4));
    }

    [Fact]
    public void Lookups_and_views_fail_with_the_file_and_tensor_named()
    {
        using var gguf = GgufFile.Open(GgufFixtures.Types);
        var e = Assert.Throws<GgufFormatException>(() => gguf.GetTensor("missing.weight"));
        Assert.Equal(GgufErrorKind.TensorNotFound, e.Kind);
        Assert.Contains("missing.weight", e.Message);
        Assert.Contains("types.gguf", e.Message);
        var wrongLength = Assert.Throws<ArgumentException>(() => gguf.DequantizeToSingle(gguf.GetTensor("blocks.q8_0"), new float[10]));
        Assert.Contains("192 elements", wrongLength.Message);
        Assert.Contains("holds 10", wrongLength.Message);
        using var other = GgufFile.Open(GgufFixtures.Aligned64Version2);
        Assert.Throws<ArgumentException>(() => gguf.GetBytes(other.GetTensor("plain.f32")).Length);
        gguf.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gguf.GetBytes(other.GetTensor("plain.f32")).Length);
    }

    [Fact]
    public void Types_without_a_conversion_are_refused_by_name()
    {
        byte[] bytes = new GgufBuilder().Tensor("w.q6k", [256], type: (uint)GgufTensorType.Q6_K, bytes: 210).Build();
        using var folder = new TempFolder();
        string path = RawFile.Write(folder.Path, "q6k.gguf", bytes);
        using var gguf = GgufFile.Open(path);
        Assert.Equal(210ul, gguf.GetTensor("w.q6k").ByteLength);
        var e = Assert.Throws<NotSupportedException>(() => gguf.ReadSingles("w.q6k"));
        Assert.Contains("w.q6k", e.Message);
        Assert.Contains("Q6_K", e.Message);
    }

    [Fact]
    public void In_memory_and_mapped_readers_agree()
    {
        byte[] bytes = File.ReadAllBytes(GgufFixtures.Types);
        GgufHeader parsed = GgufHeader.Parse(bytes, "types.gguf");
        using var mapped = GgufFile.Open(GgufFixtures.Types);
        Assert.Equal(mapped.Tensors.Select(t => t.ToString()), parsed.Tensors.Select(t => t.ToString()));
        Assert.Equal(mapped.Header.DataStart, parsed.DataStart);
        Assert.Equal(mapped.Metadata.Count, parsed.Metadata.Count);
    }

    [Fact]
    public async Task Files_that_are_not_files_are_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string empty = RawFile.Write(folder.Path, "empty.gguf", []);
        Assert.Equal(GgufErrorKind.Truncated, Assert.Throws<GgufFormatException>(() => GgufFile.Open(empty)).Kind);
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string fifo = folder.File("pipe.gguf");
        using (Process mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { fifo }, UseShellExecute = false })!)
        {
            Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed");
        }
        Task<GgufFormatException> open = Task.Run(() => Assert.Throws<GgufFormatException>(() => GgufFile.Open(fifo)));
        if (await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10))) != open)
        {
            // Unblock the reader before failing, so the test run does not hang on it.
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
            Assert.Fail($"opening the FIFO '{fifo}' blocked for 10 s");
        }
        GgufFormatException refused = await open;
        Assert.Equal(GgufErrorKind.Truncated, refused.Kind);
        Assert.Contains("FIFO", refused.Message);
        Assert.Equal(fifo, refused.FilePath);
    }
}
