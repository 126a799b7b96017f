using System.Buffers.Binary;
using System.Text;
using ParameterKit.SafeTensors;
using Xunit.Abstractions;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// What a header costs to read, against its length N: at most <see cref="Bound"/> x N bytes allocated by
/// <see cref="SafeTensorsHeader.Parse"/>, <see cref="SafeTensorsHeader.ReadFile"/> and <see cref="SafeTensorsFile.Open"/>
/// (docs/security.md states the bound), for the headers that cost the most per byte: a million of the smallest
/// tensor entries the format allows, the same with escaped names or in the object form, a name repeated thousands
/// of times, the most metadata entries the reader takes. Headers past a limit (a rank of millions, millions of
/// metadata entries) fail with the typed limit error, also within the bound.
/// </summary>
public sealed class HeaderMemoryTests(ITestOutputHelper output)
{
    /// <summary>The promise in docs/security.md: allocation at most 4 x N (plus a few kB of fixed objects).</summary>
    private const double Bound = 4.0;

    private const long Slack = 64 * 1024;

    /// <summary>A short name per index: four characters from 62 letters and digits (14.7 million names).</summary>
    private static string Name(int i)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Span<char> name = stackalloc char[4];
        for (int k = 3; k >= 0; k--)
        {
            name[k] = alphabet[i % alphabet.Length];
            i /= alphabet.Length;
        }
        return new string(name);
    }

    /// <summary>Zero-sized tensors all at offset 0: the format accepts any number of them, and each entry is tiny.</summary>
    private static byte[] TinyTensors(int count, Func<int, string> entry)
    {
        var json = new StringBuilder(count * 26).Append('{');
        for (int i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(entry(i));
        }
        return RawFile.Build(json.Append('}').ToString());
    }

    private static byte[] Positional(int count) => TinyTensors(count, i => $"\"{Name(i)}\":[\"U8\",[0],[0,0]]");

    private long Measure(string what, byte[] file, Action read)
    {
        long n = file.Length - 8;
        read(); // JIT and first-use allocations are not the header's
        long before = GC.GetAllocatedBytesForCurrentThread();
        read();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{what}: N = {n:N0} bytes, allocated {allocated:N0} = {(double)allocated / n:F2} x N");
        return allocated;
    }

    private void AssertWithinBound(string what, byte[] file, Action read)
    {
        long allocated = Measure(what, file, read);
        long n = file.Length - 8;
        Assert.True(allocated <= Bound * n + Slack, $"{what}: allocated {allocated} bytes for a {n}-byte header ({(double)allocated / n:F2} x N)");
    }

    private void AssertEveryReadWithinBound(string what, byte[] file, int expectedTensors)
    {
        Assert.Equal(expectedTensors, SafeTensorsHeader.Parse(file, (ulong)file.Length).Tensors.Count);
        AssertWithinBound(what + ", Parse", file, () => SafeTensorsHeader.Parse(file, (ulong)file.Length));
        using var folder = new TempFolder();
        string path = RawFile.Write(folder.Path, "hostile.safetensors", file);
        AssertWithinBound(what + ", ReadFile", file, () => SafeTensorsHeader.ReadFile(path));
        AssertWithinBound(what + ", Open", file, () =>
        {
            using var opened = SafeTensorsFile.Open(path);
        });
    }

    [Fact]
    public void A_million_of_the_smallest_tensor_entries_cost_at_most_four_times_the_header()
    {
        AssertEveryReadWithinBound("1,000,000 positional entries", Positional(1_000_000), 1_000_000);
    }

    [Fact]
    public void Escaped_names_and_the_object_form_stay_within_the_bound()
    {
        AssertEveryReadWithinBound("300,000 escaped names",
            TinyTensors(300_000, i => $"\"\\u0061{Name(i)}\":[\"U8\",[0],[0,0]]"), 300_000);
        AssertEveryReadWithinBound("300,000 object entries",
            TinyTensors(300_000, i => $"\"{Name(i)}\":{{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}"), 300_000);
    }

    [Fact]
    public void A_name_repeated_a_hundred_thousand_times_keeps_one_tensor_within_the_bound()
    {
        byte[] file = TinyTensors(100_000, i => "\"w\":[\"U8\",[0],[0,0]]");
        AssertEveryReadWithinBound("100,000 repeats of one name", file, 1);
    }

    [Fact]
    public void The_most_metadata_entries_the_reader_takes_cost_at_most_four_times_the_header()
    {
        var json = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < SafeTensorsHeader.MaxMetadataEntries; i++)
        {
            json.Append(i == 0 ? "" : ",").Append('"').Append(Name(i)).Append("\":\"\"");
        }
        byte[] file = RawFile.Build(json.Append("},\"t\":[\"U8\",[0],[0,0]]}").ToString());
        AssertEveryReadWithinBound("65,536 metadata entries", file, 1);
        Assert.Equal(SafeTensorsHeader.MaxMetadataEntries, SafeTensorsHeader.Parse(file, (ulong)file.Length).Metadata!.Count);
    }

    [Fact]
    public void Millions_of_metadata_entries_are_a_limit_error_within_the_bound()
    {
        var json = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < 2_000_000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append('"').Append(Name(i)).Append("\":\"\"");
        }
        byte[] file = RawFile.Build(json.Append("}}").ToString());
        AssertWithinBound("2,000,000 metadata entries", file, () =>
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(file, (ulong)file.Length, "meta.safetensors"));
            Assert.Equal(SafeTensorsErrorKind.LimitExceeded, e.Kind);
        });
    }

    [Fact]
    public void A_shape_of_ten_million_dimensions_is_a_limit_error_naming_the_tensor_within_the_bound()
    {
        string header = "{\"a\":[\"U8\",[0],[0,0]],\"deep\":[\"U8\",[" + string.Join(",", Enumerable.Repeat("1", 10_000_000)) + "],[0,1]]}";
        byte[] file = RawFile.Build(header, 7);
        AssertWithinBound("a rank of 10,000,000", file, () =>
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(file, (ulong)file.Length, "deep.safetensors"));
            Assert.Equal(SafeTensorsErrorKind.LimitExceeded, e.Kind);
            Assert.Equal("deep", e.TensorName);
        });
    }

    [Fact]
    public void A_million_entries_failing_on_the_last_one_give_the_typed_error_within_the_bound()
    {
        byte[] good = Positional(1_000_000);
        // Make the last entry's end offset 1: its begin is 0 like all the others, but now the buffer holds no byte.
        byte[] bad = (byte[])good.Clone();
        int last = Array.LastIndexOf(bad, (byte)'0');
        bad[last] = (byte)'1';
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bad);
        Assert.Equal((ulong)bad.Length - 8, n);
        AssertWithinBound("1,000,000 entries, the last one wrong", bad, () =>
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsHeader.Parse(bad, (ulong)bad.Length, "bad.safetensors"));
            Assert.Equal(SafeTensorsErrorKind.TensorInvalidInfo, e.Kind);
        });
    }

    [Fact]
    public void Tensors_read_from_the_lean_layout_are_the_ones_written()
    {
        byte[] file = RawFile.Build(
            "{\"__metadata__\":{\"format\":\"pt\",\"k\\u00e9y\":\"v\\n\"},\"b\\u0000\\ud83d\\ude00\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[4,12]},"
            + "\"a\":[\"U8\",[4],[0,4]],\"z\":{\"data_offsets\":[12,12],\"shape\":[0,3],\"dtype\":{\"BF16\":null},\"extra\":[1,{\"x\":\"\\u00e9\"}]},\"a\":[\"I16\",[2],[0,4]]}",
            new byte[12]);
        SafeTensorsHeader h = SafeTensorsHeader.Parse(file, (ulong)file.Length);
        Assert.Equal(["a", "b\0\U0001F600", "z"], h.Tensors.Select(t => t.Name));
        Assert.Equal([2UL], h.Tensors[0].Dimensions.ToArray());
        Assert.Equal(ParameterKit.Tensors.DType.I16, h.Tensors[0].DType);
        Assert.Equal([2UL, 1UL], h.GetTensor("b\0\U0001F600").Dimensions.ToArray());
        Assert.Equal((4UL, 12UL, 2UL), (h.Tensors[1].Begin, h.Tensors[1].End, h.Tensors[1].ElementCount));
        Assert.Equal([0UL, 3UL], h.Tensors[2].Dimensions.ToArray());
        Assert.Equal(ParameterKit.Tensors.DType.BF16, h.Tensors[2].DType);
        Assert.False(h.TryGetTensor("b", out _));
        Assert.True(h.TryGetTensor("z", out SafeTensorInfo? z));
        Assert.Equal(h.Tensors[2], z);
        Assert.Equal(["format", "kéy"], h.Metadata!.Keys);
        Assert.Equal("v\n", h.Metadata["kéy"]);
    }
}
