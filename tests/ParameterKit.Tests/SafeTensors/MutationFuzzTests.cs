using System.Buffers.Binary;
using FsCheck.Xunit;
using ParameterKit.SafeTensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Fuzz-style property: mutate bytes of valid corpus files and check that the readers only ever accept or throw
/// <see cref="SafeTensorsFormatException"/>: no crash, no hang, no out-of-range read, and the memory-mapped and
/// in-memory readers always agree.
/// </summary>
public sealed class MutationFuzzTests
{
    private static readonly byte[][] Seeds = [.. Corpus.AcceptedFiles().Select(f => File.ReadAllBytes(Corpus.PathOf(f)))];

    [Property(MaxTest = 300)]
    public bool Mutated_files_are_accepted_or_rejected_with_a_format_error(
        int seed, (int Position, byte Value)[] edits, bool resizeLengthField, int truncateBy)
    {
        byte[] bytes = (byte[])Seeds[(int)((uint)seed % (uint)Seeds.Length)].Clone();
        foreach ((int position, byte value) in edits)
        {
            if (bytes.Length > 0)
            {
                bytes[(int)((uint)position % (uint)bytes.Length)] = value;
            }
        }
        if (resizeLengthField && bytes.Length >= 8)
        {
            // Aim the length field near the real one, where off-by-a-few bugs live.
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, n + (ulong)(sbyte)(truncateBy & 0xFF));
        }
        int cut = (int)((uint)truncateBy % 8u);
        bytes = bytes[..Math.Max(0, bytes.Length - cut)];

        string? inMemory = Outcome(() => SafeTensorsHeader.Parse(bytes, (ulong)bytes.Length, "fuzz"));
        using var folder = new TempFolder();
        string path = RawFile.Write(folder.Path, "fuzz.safetensors", bytes);
        string? mapped = Outcome(() =>
        {
            using SafeTensorsFile file = SafeTensorsFile.Open(path);
            foreach (SafeTensorInfo t in file.Tensors)
            {
                // Touch the first and last byte of every view: out-of-range reads would crash here.
                ReadOnlySpan<byte> view = file.GetBytes(t);
                if (view.Length > 0 && view[0] + view[^1] < 0)
                {
                    throw new InvalidOperationException();
                }
            }
            return file.Header;
        });
        return inMemory == mapped;
    }

    /// <summary>The error kind, "ok", or a rethrow of anything that is not a format error.</summary>
    private static string Outcome(Func<SafeTensorsHeader> read)
    {
        try
        {
            return $"ok {read().Tensors.Count}";
        }
        catch (SafeTensorsFormatException e)
        {
            return e.Kind.ToString();
        }
    }
}
