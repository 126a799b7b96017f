using System.Buffers.Binary;
using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Seeded mutation fuzzing of the GGUF reader: whatever the bytes, the only exception is
/// <see cref="GgufFormatException"/>, what one read allocates stays within a fixed multiple of the input's size,
/// an accepted file's every tensor and metadata value can be read, and the memory-mapped reader agrees with the
/// in-memory one. A failure prints the seed and iteration that reproduce it.
/// </summary>
/// <remarks>
/// <see cref="Mutator.Iterations"/> inputs per test (2,000 in a normal run; <c>PARAMETERKIT_FUZZ_ITERATIONS</c> for a
/// longer run, docs/fuzzing.md).
/// </remarks>
public sealed class GgufFuzzTests
{
    /// <summary>Allocation allowed per input byte, plus a constant for the reader's fixed costs.</summary>
    private const long BytesPerInputByte = 32, FixedBytes = 256 * 1024;

    private static readonly byte[][] Seeds =
    [
        File.ReadAllBytes(GgufFixtures.Types),
        File.ReadAllBytes(GgufFixtures.Aligned64Version2),
        new GgufBuilder().String("general.architecture", "llama").UInt32("general.alignment", 16).Tensor("a", [32, 2], type: 8).Tensor("b", [64], type: 2).Build(),
    ];

    [Fact]
    public void Mutated_files_give_only_format_errors_in_bounded_memory()
    {
        var random = new Random(20261202);
        for (int i = 0; i < Mutator.Iterations; i++)
        {
            byte[] input = Mutate(Seeds[random.Next(Seeds.Length)], random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            string outcome = Outcome(input, i, () => GgufHeader.Parse(input, "fuzz"), touch: false);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= BytesPerInputByte * input.Length + FixedBytes,
                $"iteration {i}: allocated {allocated} bytes for a {input.Length}-byte input {Convert.ToHexString(input)}");
            if (outcome == "ok" || i % 10 == 0)
            {
                // Accepted files are read in full; every tenth input also goes through the memory map.
                Outcome(input, i, () => GgufHeader.Parse(input, "fuzz"), touch: true);
                using var folder = new TempFolder();
                string path = RawFile.Write(folder.Path, "fuzz.gguf", input);
                string mapped = MappedOutcome(path, input, i);
                Assert.True(outcome == mapped, $"iteration {i}: in memory {outcome}, mapped {mapped}, input {Convert.ToHexString(input)}");
            }
        }
    }

    /// <summary>
    /// Byte edits, but also the edits that reach deep: counts, lengths, types, dimensions and offsets rewritten
    /// near their real values (where off-by-one bugs live) or to extremes, insertions, deletions and truncation.
    /// </summary>
    internal static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var field = new byte[8];
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] = (byte)(bytes[at] + (random.Next(2) == 0 ? 1 : -1));
                    break;
                case 2 when at + 8 <= bytes.Count:
                    // A 64-bit field (count, length, dimension, offset) nudged or set to an extreme.
                    for (int k = 0; k < 8; k++) field[k] = bytes[at + k];
                    ulong value = BinaryPrimitives.ReadUInt64LittleEndian(field);
                    value = random.Next(3) switch { 0 => value + (ulong)(random.Next(65) - 32), 1 => ulong.MaxValue >> random.Next(64), _ => 1UL << random.Next(64) };
                    BinaryPrimitives.WriteUInt64LittleEndian(field, value);
                    for (int k = 0; k < 8; k++) bytes[at + k] = field[k];
                    break;
                case 3 when at + 4 <= bytes.Count:
                    // A 32-bit field (type, rank, version) set to a small number: every type and rank is tried.
                    byte[] small = BitConverter.GetBytes((uint)random.Next(40));
                    for (int k = 0; k < 4; k++) bytes[at + k] = small[k];
                    break;
                case 4:
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + random.Next(40)).Select(_ => (byte)random.Next(256)));
                    break;
                case 5:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(40)));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    private static string Outcome(byte[] input, int iteration, Func<GgufHeader> read, bool touch)
    {
        try
        {
            GgufHeader header = read();
            if (touch)
            {
                ReadEverything(header);
            }
            return "ok";
        }
        catch (GgufFormatException e)
        {
            return e.Kind.ToString();
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration}: {e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
            throw;
        }
    }

    private static string MappedOutcome(string path, byte[] input, int iteration)
    {
        try
        {
            using GgufFile file = GgufFile.Open(path);
            foreach (GgufTensorInfo t in file.Tensors)
            {
                // Touch the first and last byte of every view (an out-of-range read would crash here) and
                // dequantize what has a conversion.
                ReadOnlySpan<byte> view = file.GetBytes(t);
                Assert.Equal(t.ByteLength, (ulong)view.Length);
                if (view.Length > 0 && view[0] + view[^1] < 0)
                {
                    throw new InvalidOperationException();
                }
                if (GgufTensorTypes.CanDequantize(t.Type) && t.ElementCount < 1 << 20)
                {
                    file.DequantizeToSingle(t, new float[t.ElementCount]);
                }
            }
            return "ok";
        }
        catch (GgufFormatException e)
        {
            return e.Kind.ToString();
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration}: {e.GetType().Name} escaped from the mapped reader for input {Convert.ToHexString(input)}: {e}");
            throw;
        }
    }

    /// <summary>Everything an accepted header makes lazily must work: names, lookups, every metadata value.</summary>
    private static void ReadEverything(GgufHeader header)
    {
        foreach (GgufTensorInfo t in header.Tensors)
        {
            Assert.Same(t, header.GetTensor(t.Name));
            Assert.Equal(t.Rank, t.Dimensions.Length);
        }
        foreach (GgufMetadataEntry entry in header.Metadata.Entries)
        {
            Assert.NotNull(header.Metadata.GetValue(entry.Key));
        }
    }
}
