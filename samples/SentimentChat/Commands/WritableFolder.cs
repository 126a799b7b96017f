namespace SentimentChat.Commands;

/// <summary>Whether a folder takes a new file, asked before an output is produced rather than after a training run.</summary>
public static class WritableFolder
{
    /// <summary>Creates and at once deletes an empty probe file in <paramref name="folder"/> (nothing else is written).</summary>
    /// <param name="folder">The folder the output goes to.</param>
    /// <param name="output">The option's value, named in the error.</param>
    /// <exception cref="CommandException">The folder takes no file (exit 2).</exception>
    public static void Check(string folder, string output)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(folder, $".write-check-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CommandException.InvalidInput($"--out: cannot write in '{folder}' ({e.Message}); choose another path for '{output}'.");
        }
    }
}
