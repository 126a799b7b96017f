using System.Buffers.Binary;
using System.Text;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Seeded mutation fuzzing of the safetensors header reader and the sharded index parser: whatever the input,
/// the only exception is <see cref="SafeTensorsFormatException"/>, and what one read allocates stays within a
/// fixed multiple of the input's size. A failure prints the seed and iteration that reproduce it.
/// </summary>
public sealed class ReaderFuzzTests
{
    /// <summary>Allocation allowed per input byte, plus a constant for the reader's fixed costs.</summary>
    private const long BytesPerInputByte = 32, FixedBytes = 256 * 1024;

    private static readonly byte[][] SafeTensorsSeeds = [.. Corpus.AcceptedFiles().Select(f => File.ReadAllBytes(Corpus.PathOf(f)))];

    private static readonly byte[][] IndexSeeds =
    [
        File.ReadAllBytes(Corpus.PathOf("sharded_2/model.safetensors.index.json")),
        Encoding.UTF8.GetBytes("{\"metadata\":{\"total_size\":12},\"weight_map\":{\"a\":\"x.safetensors\",\"b\":\"y.safetensors\"}}"),
        Encoding.UTF8.GetBytes("{\"weight_map\":{}}"),
    ];

    [Fact]
    public void Mutated_headers_give_only_format_errors_in_bounded_memory()
    {
        var random = new Random(20261202);
        for (int i = 0; i < Mutator.Iterations; i++)
        {
            byte[] seed = SafeTensorsSeeds[random.Next(SafeTensorsSeeds.Length)];
            byte[] input = MutateHeader(seed, random);
            Check(input, i, () => ReadEverything(SafeTensorsHeader.Parse(input, (ulong)input.Length, "fuzz")));
        }
    }

    [Fact]
    public void Mutated_indexes_give_only_format_errors_in_bounded_memory()
    {
        var random = new Random(17);
        for (int i = 0; i < Mutator.Iterations; i++)
        {
            byte[] input = Mutator.Mutate(IndexSeeds[random.Next(IndexSeeds.Length)], random);
            bool lenient = random.Next(2) == 0;
            Check(input, i, () => SafeTensorsIndex.Parse(input, "fuzz", lenient));
        }
    }

    /// <summary>
    /// Touches everything an accepted header makes lazily from its text (each tensor's name, dimensions and lookup
    /// by name, the metadata map), so the fuzz reaches those readers too: they must never fail on a header the
    /// parser accepted.
    /// </summary>
    private static void ReadEverything(SafeTensorsHeader header)
    {
        foreach (SafeTensorInfo t in header.Tensors)
        {
            Assert.Equal(t.ToString(), header.GetTensor(t.Name).ToString());
            Assert.Equal(t.Rank, t.Dimensions.Length);
        }
        _ = header.Metadata?.Count;
    }

    /// <summary>
    /// Mutates the header's JSON and, three times in four, rewrites the length prefix to match, so the mutation
    /// reaches the JSON parser and validator instead of stopping at the length check.
    /// </summary>
    private static byte[] MutateHeader(byte[] file, Random random)
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        byte[] json = Mutator.Mutate(file[8..(8 + (int)n)], random);
        byte[] data = file[(8 + (int)n)..];
        var output = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(output, random.Next(4) == 0 ? n : (ulong)json.Length);
        json.CopyTo(output, 8);
        data.CopyTo(output, 8 + json.Length);
        return output;
    }

    private static void Check(byte[] input, int iteration, Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read();
        }
        catch (SafeTensorsFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration}: {e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= BytesPerInputByte * input.Length + FixedBytes,
            $"iteration {iteration}: allocated {allocated} bytes for a {input.Length}-byte input {Convert.ToHexString(input)}");
    }
}
