namespace ParameterKit.SafeTensors;

/// <summary>
/// Opens a checkpoint, shard or index for reading, refusing what cannot be a file of bytes before opening it.
/// </summary>
/// <remarks>
/// Opening a FIFO for reading blocks until some other process opens it for writing, possibly forever, and a
/// character device such as <c>/dev/zero</c> never ends. .NET does not expose the file type, but every such
/// file reports a length of 0 to <c>stat</c> without being opened, and so does an empty regular file, which is
/// rejected anyway (a safetensors file needs at least its 8-byte length prefix, an index at least <c>{}</c>).
/// So a length of 0 is refused up front, and nothing that could block is ever opened. The check and the open are
/// two steps, so a file swapped in between is opened; that race needs write access to the folder.
/// </remarks>
internal static class RegularFile
{
    /// <summary>Opens <paramref name="path"/> for reading after the length check.</summary>
    /// <param name="path">The file.</param>
    /// <param name="kindWhenEmpty">The error kind for a file of length 0 (or a FIFO, device or socket).</param>
    /// <param name="share">What other processes may do meanwhile.</param>
    /// <param name="bufferSize">The stream's buffer (1 for none).</param>
    /// <exception cref="SafeTensorsFormatException">The file system reports a length of 0.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static FileStream OpenRead(string path, SafeTensorsErrorKind kindWhenEmpty, FileShare share = FileShare.Read | FileShare.Delete,
        int bufferSize = 4096) =>
        OpenRead(path, () => new SafeTensorsFormatException(kindWhenEmpty, path, null,
            "the file is 0 bytes long, too short to hold anything (or it is not a regular file: a FIFO, device or socket reports no " +
            "length and is refused rather than read, since reading one can block forever)"), share, bufferSize);

    /// <summary>Opens <paramref name="path"/> for reading after the length check, refusing with the format's own exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="refuseEmpty">Makes the exception for a file of length 0 (or a FIFO, device or socket).</param>
    /// <param name="share">What other processes may do meanwhile.</param>
    /// <param name="bufferSize">The stream's buffer (1 for none).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static FileStream OpenRead(string path, Func<Exception> refuseEmpty, FileShare share, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length == 0)
        {
            throw refuseEmpty();
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, share, bufferSize);
    }

    /// <summary>What <see cref="ReadSmall"/> says of a file it refuses before opening it.</summary>
    internal const string NotARegularFile =
        "is empty, or not a regular file (a FIFO, device or socket reports no length and is refused rather than read, since reading one can block forever)";

    /// <summary>
    /// Reads a small file whole (a config.json, a chat template, a tokenizer file) after the same check as
    /// <see cref="OpenRead(string, Func{Exception}, FileShare, int)"/>, and at most <paramref name="maxBytes"/>: never
    /// more than the length the file system reported, so a file that grows meanwhile cannot make the read unbounded.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest file read.</param>
    /// <param name="refuse">Makes the format's own exception from what is wrong with the file ("is empty, or ...").</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    internal static byte[] ReadSmall(string path, long maxBytes, Func<string, Exception> refuse)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length == 0)
        {
            throw refuse(NotARegularFile);
        }
        if (info.Length > maxBytes)
        {
            throw refuse($"is {info.Length:N0} bytes; files of this kind larger than {maxBytes:N0} bytes are refused");
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        byte[] bytes = new byte[info.Length];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }
}
