using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Replaces a file atomically: write a sibling temporary file, flush it to disk, rename it over the target.
/// Rename within one folder is atomic on every platform .NET supports, so readers see the old file or the new
/// one, never a mix; and writing a fresh file means no stale bytes from a longer previous file survive. It also
/// means a mapped reader of the old file is never truncated under its feet (which would kill its process: see
/// <see cref="SafeTensorsFile.Open"/>). This is the only way ParameterKit writes a checkpoint.
/// </summary>
/// <remarks>
/// A process killed between creating the temporary file and the rename leaves it behind, named
/// <c>.{target name}.{32 hex digits}.tmp</c>, possibly as large as the whole checkpoint. The next save to the same
/// target deletes such files when they were last written before the saving process started: no save of this
/// process can own them, and a save in another process that has not written a byte since is not alive in any
/// useful sense. Files of other targets, or of any other name, are never touched.
/// </remarks>
internal static partial class AtomicFile
{
    private static readonly DateTime ProcessStartUtc = ProcessStart();

    internal static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        // Saving to "finetuned/model.safetensors" before "finetuned" exists is what a first save usually does.
        Directory.CreateDirectory(folder);
        RemoveStaleTemporaries(target, ProcessStartUtc);
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

    /// <summary>Whether <paramref name="fileName"/> is a temporary file of a save to <paramref name="targetName"/>.</summary>
    internal static bool IsTemporaryOf(string fileName, string targetName)
    {
        Match match = TemporaryName().Match(fileName);
        return match.Success && string.Equals(match.Groups["target"].Value, targetName, StringComparison.Ordinal);
    }

    /// <summary>Every temporary file of an interrupted save in <paramref name="folder"/>, whatever its target.</summary>
    internal static IReadOnlyList<(string Path, long Length)> FindTemporaries(string folder) =>
        [.. new DirectoryInfo(folder).EnumerateFiles(".*.tmp")
            .Where(f => TemporaryName().IsMatch(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => (f.FullName, f.Length))];

    /// <summary>
    /// Deletes the temporaries of saves to <paramref name="target"/> last written before <paramref name="before"/>.
    /// Best effort: a folder that cannot be listed, or a file that cannot be deleted, never fails the save.
    /// </summary>
    internal static void RemoveStaleTemporaries(string target, DateTime before)
    {
        string name = Path.GetFileName(target);
        try
        {
            foreach (FileInfo file in new DirectoryInfo(Path.GetDirectoryName(target)!).EnumerateFiles($".{name}.*.tmp"))
            {
                if (IsTemporaryOf(file.Name, name) && file.LastWriteTimeUtc < before)
                {
                    TryDelete(file.FullName);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The save itself reports any real problem with the folder.
        }
    }

    /// <summary>When this process started; where the platform cannot say, when this class was first used.</summary>
    private static DateTime ProcessStart()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            return self.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return DateTime.UtcNow;
        }
    }

    [GeneratedRegex(@"^\.(?<target>.+)\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();

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
