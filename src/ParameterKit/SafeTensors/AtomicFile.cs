namespace ParameterKit.SafeTensors;

/// <summary>
/// Replaces a file atomically: write a sibling temporary file, flush it to disk, rename it over the target.
/// Rename within one folder is atomic on every platform .NET supports, so readers see the old file or the new
/// one, never a mix; and writing a fresh file means no stale bytes from a longer previous file survive.
/// </summary>
internal static class AtomicFile
{
    internal static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
