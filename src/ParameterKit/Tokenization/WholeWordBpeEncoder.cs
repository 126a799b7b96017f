using System.Text;
using Microsoft.ML.Tokenizers;

namespace ParameterKit.Tokenization;

/// <summary>
/// Encodes with a <see cref="BpeTokenizer"/> under the Hub's <c>ignore_merges</c> rule (Llama 3's tokenizer.json sets
/// it): a pre-tokenized piece that is itself in the vocabulary becomes that one token, even where applying the merges
/// in rank order would split it ("Cửa Việt" is one case). Microsoft.ML.Tokenizers 2.0.1 has no such option, so this
/// looks the piece up first and hands every other piece, unchanged, to the library's BPE; no merge is applied here.
/// </summary>
internal sealed class WholeWordBpeEncoder(BpeTokenizer bpe, IReadOnlyDictionary<string, int> addedTokens)
{
    /// <summary>GPT-2's byte-to-character table, in which byte-level vocabularies write their tokens.</summary>
    private static readonly char[] ByteToChar = BuildByteTable();

    public IReadOnlyList<int> Encode(string text)
    {
        string normalized = bpe.Normalizer?.Normalize(text) ?? text;
        var ids = new List<int>();
        var word = new StringBuilder();
        foreach ((int offset, int length) in bpe.PreTokenizer!.PreTokenize(normalized))
        {
            string piece = normalized.Substring(offset, length);
            if (addedTokens.TryGetValue(piece, out int special))
            {
                ids.Add(special);
                continue;
            }
            word.Clear();
            foreach (byte b in Encoding.UTF8.GetBytes(piece))
            {
                word.Append(ByteToChar[b]);
            }
            if (bpe.Vocabulary.TryGetValue(word.ToString(), out int whole))
            {
                ids.Add(whole);
            }
            else
            {
                ids.AddRange(bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
            }
        }
        return ids;
    }

    /// <summary>Printable bytes map to themselves; the rest to 256 and up, in byte order (tokenizers' byte_level.rs).</summary>
    private static char[] BuildByteTable()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
