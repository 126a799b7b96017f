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
    /// The file as text, its encoding taken from a byte order mark (UTF-8 without one), as
    /// <see cref="File.ReadAllText(string)"/> reads it; empty for a FIFO, device or socket.
    /// </summary>
    /// <inheritdoc cref="ReadAll" path="/param"/>
    public static string ReadAllText(string path, long maxBytes, Func<string, Exception> tooLarge)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAll(path, maxBytes, tooLarge)), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
