using System.Text;
using System.Text.Json;
using SentimentChat.Text;

namespace SentimentChat.Chat;

/// <summary>A line of a conversations file that cannot be used; the message names the file and the line.</summary>
public sealed class ConversationFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads conversation files (JSON Lines): one object per line,
/// <c>{"id": "c01", "turns": [{"text": "...", "label": "frustrated|positive|other"}, ...], "escalate_at": K}</c>
/// with K a 0-based turn index or null. Other fields (such as <c>situation</c>) are ignored; blank lines are skipped.
/// </summary>
public static class ConversationFile
{
    /// <summary>Reads every conversation.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ConversationFormatException">A line is not valid UTF-8 or JSON, lacks a field, has an unknown
    /// label, no turns, or an <c>escalate_at</c> outside its turns; or the file holds no conversation at all.</exception>
    public static List<LabeledConversation> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No conversations file at '{path}'.", path);
        }
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var conversations = new List<LabeledConversation>();
        int number = 0;
        foreach (var raw in SplitLines(DataFile.ReadAll(path, message => new ConversationFormatException(message))))
        {
            number++;
            string line;
            try
            {
                line = strict.GetString(raw).Trim();
            }
            catch (DecoderFallbackException)
            {
                throw new ConversationFormatException($"{path}:{number}: the line is not valid UTF-8.");
            }
            if (line.Length > 0)
            {
                conversations.Add(Parse(line, $"{path}:{number}"));
            }
        }
        if (conversations.Count == 0)
        {
            throw new ConversationFormatException($"{path}: the file holds no conversation (expected one JSON object per line).");
        }
        return conversations;
    }

    /// <summary>Parses one line; <paramref name="where"/> (file:line) starts every error message.</summary>
    public static LabeledConversation Parse(string line, string where)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(where, $"expected a JSON object, found {root.ValueKind}");
            }
            string id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()!
                : throw Bad(where, "missing string field \"id\"");
            if (!root.TryGetProperty("turns", out var turnsElement) || turnsElement.ValueKind != JsonValueKind.Array)
            {
                throw Bad(where, $"conversation '{id}': missing array field \"turns\"");
            }
            var turns = new List<LabeledText>();
            foreach (var turn in turnsElement.EnumerateArray())
            {
                turns.Add(Turn(turn, where, id, turns.Count));
            }
            if (turns.Count == 0)
            {
                throw Bad(where, $"conversation '{id}' has no turns");
            }
            if (!root.TryGetProperty("escalate_at", out var escalate))
            {
                throw Bad(where, $"conversation '{id}': missing field \"escalate_at\" (a 0-based turn index, or null)");
            }
            int? escalateAt = escalate.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number when escalate.TryGetInt32(out int k) && k >= 0 && k < turns.Count => k,
                _ => throw Bad(where, $"conversation '{id}': \"escalate_at\" must be null or a turn index from 0 to {turns.Count - 1}, not {escalate.GetRawText()}"),
            };
            return new LabeledConversation(id, turns, escalateAt);
        }
        catch (JsonException e)
        {
            throw new ConversationFormatException($"{where}: not valid JSON ({e.Message})", e);
        }
    }

    private static LabeledText Turn(JsonElement turn, string where, string id, int index)
    {
        if (turn.ValueKind != JsonValueKind.Object
            || !turn.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String
            || !turn.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String)
        {
            throw Bad(where, $"conversation '{id}', turn {index}: expected {{\"text\": \"...\", \"label\": \"...\"}}");
        }
        int labelIndex = Labels.IndexOf(label.GetString()!);
        if (labelIndex < 0)
        {
            throw Bad(where, $"conversation '{id}', turn {index}: unknown label '{label.GetString()}' (expected one of: {string.Join(", ", Labels.Names)})");
        }
        string message = text.GetString()!;
        if (message.Trim().Length == 0)
        {
            throw Bad(where, $"conversation '{id}', turn {index}: empty text");
        }
        return new LabeledText(message, labelIndex);
    }

    private static ConversationFormatException Bad(string where, string what) => new($"{where}: {what}.");

    private static IEnumerable<byte[]> SplitLines(byte[] bytes)
    {
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                end = bytes.Length;
            }
            yield return bytes[start..end];
            start = end + 1;
        }
    }
}
