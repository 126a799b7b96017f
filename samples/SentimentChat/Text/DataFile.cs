using ParameterKit.CommandLine;

namespace SentimentChat.Text;

/// <summary>
/// Reads a whole data file (labelled messages, conversations) for <c>evaluate</c> through <see cref="InputFile"/>: a
/// FIFO or device is read as empty rather than opened (a FIFO blocked forever; /dev/zero grew to 4 GB and failed), and
/// a file past <see cref="MaxBytes"/> is refused naming it (past 2 GB it failed with a message that named no file).
/// </summary>
public static class DataFile
{
    /// <summary>The largest data file read: 256 MB, about four million labelled messages.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>The file's bytes; none for a file of length 0, which includes a FIFO, device or socket.</summary>
    /// <param name="path">An existing file.</param>
    /// <param name="tooLarge">Makes the error for a file past <see cref="MaxBytes"/> from its message.</param>
    public static byte[] ReadAll(string path, Func<string, Exception> tooLarge) => InputFile.ReadAll(path, MaxBytes, tooLarge);
}
