using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Limits that bound what a header can cost, oversized tensors, and files that are not regular files: each gives a
/// typed exception naming the file or tensor, without allocating or blocking.
/// </summary>
public sealed class ReaderLimitsTests
{
    private static byte[] WithShape(int rank)
    {
        string dims = string.Join(",", Enumerable.Repeat("1", rank));
        return RawFile.Build($"{{\"t\":{{\"dtype\":\"U8\",\"shape\":[{dims}],\"data_offsets\":[0,1]}}}}", 7);
    }

    [Fact]
    public void A_shape_of_64_dimensions_is_read_and_65_is_a_limit_error_naming_the_tensor()
    {
        Assert.Equal(SafeTensorsHeader.MaxRank, SafeTensorsHeader.Parse(WithShape(64), (ulong)WithShape(64).Length).Tensors[0].Rank);

        byte[] deep = WithShape(65);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(deep, (ulong)deep.Length, "deep.safetensors"));
        Assert.Equal(SafeTensorsErrorKind.LimitExceeded, e.Kind);
        Assert.Equal("t", e.TensorName);
        Assert.Contains("more than 64 dimensions", e.Message, StringComparison.Ordinal);
    }

    private static byte[] WithMetadata(int entries)
    {
        var json = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < entries; i++)
        {
            json.Append(i == 0 ? "" : ",").Append('"').Append(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\":\"\"");
        }
        return RawFile.Build(json.Append("}}").ToString());
    }

    [Fact]
    public void Metadata_of_65536_entries_is_read_and_one_more_is_a_limit_error()
    {
        byte[] full = WithMetadata(SafeTensorsHeader.MaxMetadataEntries);
        Assert.Equal(SafeTensorsHeader.MaxMetadataEntries, SafeTensorsHeader.Parse(full, (ulong)full.Length).Metadata!.Count);

        byte[] over = WithMetadata(SafeTensorsHeader.MaxMetadataEntries + 1);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(over, (ulong)over.Length, "meta.safetensors"));
        Assert.Equal(SafeTensorsErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("__metadata__", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSingles_of_a_tensor_beyond_one_array_names_it_without_allocating()
    {
        // U8 [2^31]: a valid 2 GiB tensor. The file is sparse (SetLength writes nothing), and the map reads no page of it.
        const ulong elements = 1UL << 31;
        byte[] head = RawFile.Build($"{{\"huge\":{{\"dtype\":\"U8\",\"shape\":[{elements}],\"data_offsets\":[0,{elements}]}}}}");
        using var folder = new TempFolder();
        string path = folder.File("huge.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(head);
            stream.SetLength(head.Length + (long)elements);
        }
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NotSupportedException>(() => file.ReadSingles("huge"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated more than 1 MB");
        Assert.Contains("'huge'", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("2147483648 elements", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_is_refused_as_a_checkpoint_a_header_source_and_an_index_without_blocking()
    {
        using var folder = new TempFolder();
        string fifo = SpecialFiles.MakeFifo(folder, "model.safetensors");
        string fifoIndex = SpecialFiles.MakeFifo(folder, "model.safetensors.index.json");

        var open = Assert.IsType<SafeTensorsFormatException>(SpecialFiles.WithinTenSeconds(() => SafeTensorsFile.Open(fifo).Dispose(), fifo));
        Assert.Equal(SafeTensorsErrorKind.HeaderTooSmall, open.Kind);
        Assert.Contains("not a regular file", open.Message, StringComparison.Ordinal);
        Assert.Equal(fifo, open.FilePath);

        var header = Assert.IsType<SafeTensorsFormatException>(SpecialFiles.WithinTenSeconds(() => SafeTensorsHeader.ReadFile(fifo), fifo));
        Assert.Equal(SafeTensorsErrorKind.HeaderTooSmall, header.Kind);

        var index = Assert.IsType<SafeTensorsFormatException>(SpecialFiles.WithinTenSeconds(() => SafeTensorsCheckpoint.Open(fifoIndex).Dispose(), fifoIndex));
        Assert.Equal(SafeTensorsErrorKind.InvalidIndex, index.Kind);
    }

    [Fact]
    public void A_fifo_as_a_shard_is_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string shard = SpecialFiles.MakeFifo(folder, "a.safetensors");
        string index = folder.File("model.safetensors.index.json");
        File.WriteAllText(index, "{\"weight_map\":{\"x\":\"a.safetensors\"}}");
        var e = Assert.IsType<SafeTensorsFormatException>(SpecialFiles.WithinTenSeconds(() => SafeTensorsCheckpoint.Open(index).Dispose(), shard));
        Assert.Equal(SafeTensorsErrorKind.HeaderTooSmall, e.Kind);
        Assert.Equal(shard, e.FilePath);
    }
}
