using System.Text;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Seeded structural mutations of JSON-ish bytes for the fuzz tests: byte edits, insertions, deletions, repeats,
/// and splices of tokens known to trouble JSON readers (lone surrogate escapes, invalid UTF-8, numbers beyond
/// every integer type, deep nesting, the format's own keys).
/// </summary>
/// <remarks>
/// The number of inputs per test is <see cref="Iterations"/>: 2,000 in a normal run, or the value of the
/// environment variable <c>PARAMETERKIT_FUZZ_ITERATIONS</c> for a longer one (docs/fuzzing.md).
/// </remarks>
internal static class Mutator
{
    public static int Iterations { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("PARAMETERKIT_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 2_000;

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"\\ud800\"", "\\ud800", "\\udc00", "\\uDBFF\\uDFFF", "\\u0000", "\"", "{", "}", "[", "]", ",", ":", "1e400", "-1", "-0", "0.5",
            "18446744073709551616", "18446744073709551615", "9223372036854775808", "null", "true", "\"__metadata__\"", "\"weight_map\"",
            "\"metadata\"", "\"total_size\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"BOOL\"", "\"F4\"", "{\"F32\":null}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "\"a.safetensors\"", "\"../x.safetensors\"", " ", "\n", "//", "/*", "\ufeff",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0x00],
    ];

    /// <summary>Applies one to four mutations to a copy of <paramref name="seed"/>.</summary>
    public static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2 when bytes.Count > 0:
                    int start = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(start, Math.Min(bytes.Count - start, 1 + random.Next(16)));
                    break;
                case 3 when bytes.Count > 0:
                    // Repeat a slice: duplicate keys, entries and nesting.
                    int from = random.Next(bytes.Count);
                    int length = Math.Min(bytes.Count - from, 1 + random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                default:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
            }
        }
        return [.. bytes];
    }
}
