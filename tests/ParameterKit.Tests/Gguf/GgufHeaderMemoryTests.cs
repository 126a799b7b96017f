using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;
using Xunit.Abstractions;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// What a GGUF header costs to read, against its length N, for the headers that cost the most per byte: a million
/// of the smallest tensor infos, a million of the smallest key-values, and a vocabulary-sized string array. The
/// promise in docs/security.md: <see cref="GgufHeader.Parse(ReadOnlySpan{byte}, string?)"/> and
/// <see cref="GgufFile.Open"/> allocate at most <see cref="Bound"/> x N (plus a few kB of fixed objects).
/// </summary>
public sealed class GgufHeaderMemoryTests(ITestOutputHelper output)
{
    private const double Bound = 5.0;

    private const long Slack = 64 * 1024;

    /// <summary>Four characters from 62 letters and digits: a distinct short name per index.</summary>
    private static string Name(int i)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var name = new char[4];
        for (int k = 3; k >= 0; k--)
        {
            name[k] = alphabet[i % alphabet.Length];
            i /= alphabet.Length;
        }
        return new string(name);
    }

    private void AssertWithinBound(string what, byte[] file)
    {
        using var folder = new TempFolder();
        string path = RawFile.Write(folder.Path, "big.gguf", file);
        Measure(what + ", Parse", file, () => GgufHeader.Parse(file));
        Measure(what + ", Open", file, () =>
        {
            using var opened = GgufFile.Open(path);
        });
    }

    private void Measure(string what, byte[] file, Action read)
    {
        read(); // JIT and first-use allocations are not the header's
        long before = GC.GetAllocatedBytesForCurrentThread();
        read();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{what}: N = {file.Length:N0} bytes, allocated {allocated:N0} = {(double)allocated / file.Length:F2} x N");
        Assert.True(allocated <= Bound * file.Length + Slack, $"{what}: allocated {allocated} bytes for {file.Length} ({(double)allocated / file.Length:F2} x N)");
    }

    [Fact]
    public void A_million_tiny_tensor_infos()
    {
        var builder = new GgufBuilder();
        for (int i = 0; i < 1_000_000; i++)
        {
            builder.Tensor(Name(i), [0]);
        }
        byte[] file = builder.Build();
        Assert.Equal(1_000_000, GgufHeader.Parse(file).TensorCount);
        AssertWithinBound("1,000,000 tensors of 0 elements", file);
    }

    [Fact]
    public void A_million_tiny_key_values()
    {
        var builder = new GgufBuilder();
        for (int i = 0; i < 1_000_000; i++)
        {
            builder.KeyValue(Name(i), 0, [7]);
        }
        byte[] file = builder.Build();
        Assert.Equal(1_000_000, GgufHeader.Parse(file).Metadata.Count);
        AssertWithinBound("1,000,000 UInt8 key-values", file);
    }

    [Fact]
    public void A_vocabulary_of_a_million_empty_strings_is_not_decoded_at_open()
    {
        var value = new MemoryStream();
        value.Write(BitConverter.GetBytes(8u));
        value.Write(BitConverter.GetBytes(1_000_000UL));
        value.Write(new byte[8 * 1_000_000]);
        byte[] file = new GgufBuilder().KeyValue("tokenizer.ggml.tokens", 9, value.ToArray()).Build();
        AssertWithinBound("one array of 1,000,000 empty strings", file);
        Assert.Equal(1_000_000, GgufHeader.Parse(file).Metadata.GetStringArray("tokenizer.ggml.tokens").Length);
    }

    [Fact]
    public void A_million_tensors_with_the_last_one_wrong_fail_within_the_bound()
    {
        var builder = new GgufBuilder();
        for (int i = 0; i < 1_000_000; i++)
        {
            builder.Tensor(i == 999_999 ? "aaaa" : Name(i), [0]);
        }
        byte[] file = builder.Build();
        Measure("1,000,000 tensors, a duplicate name last", file, () =>
            Assert.Equal(GgufErrorKind.DuplicateTensorName, Assert.Throws<GgufFormatException>(() => GgufHeader.Parse(file)).Kind));
    }
}
