namespace ParameterKit.CommandLine;

/// <summary>
/// Reads a whole input file named on a command line (a data file, a text to train on), refusing before reading what is
/// not a file of bytes of a sensible size. A FIFO, device or socket reports length 0 and is read as empty rather than
/// opened: reading a FIFO blocks until a writer comes, possibly forever, and <c>/dev/zero</c> grows the process until
/// it fails with an OutOfMemoryException that names no file. A file past the caller's limit is refused naming it.
/// </summary>
internal static class InputFile
{
    /// <summary>The file's bytes; none for a file of length 0, which includes a FIFO, device or socket.</summary>
    /// <param name="path">An existing file.</param>
    /// <param name="maxBytes">The largest file read.</param>
    /// <param name="tooLarge">Makes the error for a file past <paramref name="maxBytes"/> from its message.</param>
    public static byte[] ReadAll(string path, long maxBytes, Func<string, Exception> tooLarge)
    {
        ArgumentNullException.ThrowIfNull(tooLarge);
        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            return [];
        }
        if (length > maxBytes)
        {
            throw tooLarge($"{path}: the file is {length:N0} bytes; at most {maxBytes:N0} are read.");
        }
        return File.ReadAllBytes(path);
    }

    /// <summary>
    /// The file as text: UTF-16 or UTF-32 when a byte order mark says so, else UTF-8 (a UTF-8 mark skipped), which must
    /// be valid: a Latin-1 or Windows-1252 file would otherwise be read with U+FFFD in place of every accented letter and
    /// trained on without a word. Empty for a FIFO, device or socket.
    /// </summary>
    /// <param name="path">An existing file.</param>
    /// <param name="maxBytes">The largest file read.</param>
    /// <param name="refuse">Makes the error for a file past <paramref name="maxBytes"/>, or not valid UTF-8, from its message.</param>
    public static string ReadAllText(string path, long maxBytes, Func<string, Exception> refuse)
    {
        byte[] bytes = ReadAll(path, maxBytes, refuse);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || span.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        int start = span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        int invalid = FirstInvalidUtf8(span[start..]);
        if (invalid >= 0)
        {
            throw refuse($"{path}: byte {start + invalid:N0} (0x{span[start + invalid]:X2}) is not valid UTF-8; save the text as UTF-8.");
        }
        return System.Text.Encoding.UTF8.GetString(span[start..]);
    }

    /// <summary>The offset of the first byte that does not begin a valid UTF-8 sequence, or -1 when all are valid.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return -1;
    }
}
