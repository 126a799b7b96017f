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
        using PendingFile pending = Prepare(path, write);
        pending.Commit();
    }

    /// <summary>
    /// Writes the temporary file of a save to <paramref name="path"/> and flushes it to disk, without renaming it yet:
    /// a save of several files (a LoRA adapter's config and weights) writes them all before it replaces any, so that
    /// running out of space while writing the second leaves the first as it was. Disposing an uncommitted result
    /// deletes the temporary file.
    /// </summary>
    internal static PendingFile Prepare(string path, Action<Stream> write)
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
            // Read once: the replaced file's mode sets both the creation mode and the exact mode after writing.
            UnixFileMode? mode = OperatingSystem.IsWindows() ? null : ExistingMode(target);
            using (var stream = new FileStream(temporary, CreateOptions(mode)))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            KeepPermissions(temporary, mode);
            return new PendingFile(temporary, target);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// A fresh file gets the default permissions; a file that replaces one is created with the old file's (filtered by
    /// the umask, so never wider): a checkpoint kept private with mode 0600 must not be readable by everyone for a moment.
    /// </summary>
    private static FileStreamOptions CreateOptions(UnixFileMode? replaced)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 20 };
        if (!OperatingSystem.IsWindows() && replaced is { } mode)
        {
            options.UnixCreateMode = mode;
        }
        return options;
    }

    /// <summary>The replaced file's exact mode, so that a save leaves its permissions as they were.</summary>
    private static void KeepPermissions(string temporary, UnixFileMode? replaced)
    {
        if (OperatingSystem.IsWindows() || replaced is not { } mode)
        {
            return;
        }
        try
        {
            File.SetUnixFileMode(temporary, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file system without Unix permissions (a FAT drive): the umask-filtered mode it was created with stands.
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static UnixFileMode? ExistingMode(string target)
    {
        try
        {
            return File.Exists(target) ? File.GetUnixFileMode(target) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A temporary file written and flushed, waiting to be renamed over its target.</summary>
    internal sealed class PendingFile(string temporary, string target) : IDisposable
    {
        private bool _committed;

        /// <summary>Renames the temporary file over the target: readers see the old file or the new one, never a mix.</summary>
        public void Commit()
        {
            File.Move(temporary, target, overwrite: true);
            _committed = true;
        }

        /// <summary>Deletes the temporary file unless it was committed.</summary>
        public void Dispose()
        {
            if (!_committed)
            {
                TryDelete(temporary);
            }
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
