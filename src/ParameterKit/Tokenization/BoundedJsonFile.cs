using System.Text.Json;

namespace ParameterKit.Tokenization;

/// <summary>
/// Reads a tokenizer folder's JSON files with a size cap and a depth cap, so a hostile or corrupt file fails with a
/// <see cref="TokenizerFormatException"/> naming it instead of a <see cref="JsonException"/> stack or an allocation
/// sized by the attacker.
/// </summary>
internal static class BoundedJsonFile
{
    /// <summary>
    /// The largest tokenizer file read. The Hub's largest byte-level BPE files (Gemma's 256k vocabulary) are about
    /// 35 MB; four times that leaves room without letting a file ask for gigabytes.
    /// </summary>
    public const long MaxBytes = 128L * 1024 * 1024;

    /// <summary>Tokenizer files nest a few levels (a Sequence of pre-tokenizers holding a Split holding a pattern).</summary>
    private const int MaxDepth = 32;

    public static JsonDocument Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = SafeTensors.RegularFile.ReadSmall(path, MaxBytes, problem => new TokenizerFormatException(path, null, problem));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerFormatException(path, null, "cannot be read: " + e.Message, e);
        }
        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            JsonValueKind kind = document.RootElement.ValueKind;
            if (kind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new TokenizerFormatException(path, null, $"must hold a JSON object, not {kind}");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, null, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}", e);
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
