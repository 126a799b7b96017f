namespace ParameterKit.Testing;

/// <summary>
/// A folder under the system temp path for one test, deleted with its contents on dispose. Linked into every test
/// project that writes files (their project files include it), so each suite cleans up the same way.
/// </summary>
/// <param name="prefix">The start of the folder's name, so a leftover shows which suite made it.</param>
internal sealed class TempFolder(string prefix = "pk-test-") : IDisposable
{
    /// <summary>The folder's full path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The path of <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// A new temporary folder deleted when the test process exits: for a folder written once and shared by every test
    /// of the run, which no single test may delete (xunit 2 has no assembly-wide fixture to own it).
    /// </summary>
    public static string ForTheProcess(string prefix)
    {
        string path = Directory.CreateTempSubdirectory(prefix).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(path);
        return path;
    }

    /// <inheritdoc/>
    public void Dispose() => Delete(Path);

    private static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (a memory map closing on a slow machine, or on Windows): a leftover in the temp folder
            // is better than a failed test.
        }
    }
}
