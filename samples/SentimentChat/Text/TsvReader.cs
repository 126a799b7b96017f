using System.Text;

namespace SentimentChat.Text;

/// <summary>A line of a labelled file that cannot be used; the message names the file and the line.</summary>
public sealed class DataFormatException(string message) : Exception(message);

/// <summary>Reads <c>text&lt;TAB&gt;label</c> files (the GoEmotions mapping's format, and any file for <c>evaluate</c>).</summary>
public static class TsvReader
{
    /// <summary>Reads every line; empty lines are skipped.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line has no tab, an unknown label, or bytes that are not UTF-8; or the file is past <see cref="DataFile.MaxBytes"/>.</exception>
    public static List<LabeledText> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No data file at '{path}'.", path);
        }
        // Lines are split on raw bytes and each is decoded strictly, so invalid UTF-8 is reported with its line number
        // instead of being silently replaced (or reported at an arbitrary buffer boundary).
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var examples = new List<LabeledText>();
        ReadOnlySpan<byte> bytes = DataFile.ReadAll(path, message => new DataFormatException(message));
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        int number = 0;
        while (!bytes.IsEmpty)
        {
            int end = bytes.IndexOf((byte)'\n');
            var raw = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? default : bytes[(end + 1)..];
            number++;
            string line;
            try
            {
                line = strict.GetString(raw).TrimEnd('\r');
            }
            catch (DecoderFallbackException)
            {
                throw new DataFormatException($"{path}:{number}: the line is not valid UTF-8.");
            }
            if (line.Length == 0)
            {
                continue;
            }
            int tab = line.LastIndexOf('\t');
            if (tab < 0)
            {
                throw new DataFormatException($"{path}:{number}: expected 'text<TAB>label', found no tab.");
            }
            string label = line[(tab + 1)..].Trim();
            int index = Labels.IndexOf(label);
            if (index < 0)
            {
                throw new DataFormatException($"{path}:{number}: unknown label '{label}' (expected one of: {string.Join(", ", Labels.Names)}).");
            }
            examples.Add(new LabeledText(line[..tab], index));
        }
        return examples;
    }
}
