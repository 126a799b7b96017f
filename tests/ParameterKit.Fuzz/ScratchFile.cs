namespace ParameterKit.Fuzz;

/// <summary>
/// One input written as a named file in a folder of its own (in memory under /dev/shm where there is one, so AFL's
/// thousands of runs do not wear a disk), deleted on dispose: the readers that take paths are fuzzed through it.
/// </summary>
public sealed class ScratchFile : IDisposable
{
    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/> in a new folder.</summary>
    /// <param name="name">The file's name.</param>
    /// <param name="bytes">Its content.</param>
    public ScratchFile(string name, byte[] bytes)
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Folder = System.IO.Path.Combine(root, "parameterkit-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Path = System.IO.Path.Combine(Folder, name);
        File.WriteAllBytes(Path, bytes);
    }

    /// <summary>The folder holding the file.</summary>
    public string Folder { get; }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
