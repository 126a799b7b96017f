using System.Text.RegularExpressions;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// Interrupted saves leave hidden temporary files; the next save to the same target removes its own stale ones and
/// nothing else, and every writer goes through the atomic path that names them.
/// </summary>
public sealed class StaleTemporaryFileTests
{
    private static void SaveTo(string path)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new Shape(2), new float[] { 1, 2 });
        writer.Save(path);
    }

    private static string Temporary(TempFolder folder, string target, DateTime lastWrite)
    {
        string path = folder.File($".{target}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }

    [Fact]
    public void A_save_removes_stale_temporaries_of_its_own_target_only()
    {
        using var folder = new TempFolder();
        DateTime yesterday = DateTime.UtcNow.AddDays(-1);
        string stale = Temporary(folder, "model.safetensors", yesterday);
        string staleToo = Temporary(folder, "model.safetensors", yesterday);
        // Written after this process started: it may belong to a save still running here, so it stays.
        string fresh = Temporary(folder, "model.safetensors", DateTime.UtcNow);
        string otherTarget = Temporary(folder, "other.safetensors", yesterday);
        string notOurs = folder.File(".model.safetensors.backup.tmp");
        File.WriteAllBytes(notOurs, [1]);
        File.SetLastWriteTimeUtc(notOurs, yesterday);

        SaveTo(folder.File("model.safetensors"));

        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleToo));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        using SafeTensorsFile saved = SafeTensorsFile.Open(folder.File("model.safetensors"));
        Assert.Equal([1f, 2f], saved.ReadSingles("w"));
    }

    [Fact]
    public void Leftover_temporaries_are_listed_with_their_sizes()
    {
        using var folder = new TempFolder();
        SaveTo(folder.File("model.safetensors"));
        Assert.Empty(SafeTensorsWriter.FindLeftoverTemporaryFiles(folder.Path));
        string leftover = Temporary(folder, "model.safetensors", DateTime.UtcNow.AddHours(-1));
        File.WriteAllBytes(folder.File(".hidden.txt"), [1]);

        var found = SafeTensorsWriter.FindLeftoverTemporaryFiles(folder.Path);
        Assert.Equal([(leftover, 1000L)], found);
    }

    /// <summary>Walks up from the test binaries to the repository root (the folder holding ParameterKit.sln).</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "ParameterKit.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException($"no ParameterKit.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Every way .NET offers to create, truncate or overwrite a file.</summary>
    private static readonly Regex FileWrite = new(
        @"\bFile\.(Create\w*|OpenWrite|WriteAll\w*|AppendAll\w*|Replace|Move|Copy|OpenHandle)\s*\(|" +
        @"FileMode\.(Create\w*|Truncate|Append|OpenOrCreate)|FileAccess\.(Write|ReadWrite)|MemoryMappedFileAccess\.(ReadWrite|CopyOnWrite)|" +
        @"new\s+StreamWriter\s*\(|RandomAccess\.Write",
        RegexOptions.CultureInvariant);

    /// <summary>A FileStream opened without an explicit read-only access defaults to read-write.</summary>
    private static bool OpensWritableStream(string code) =>
        Regex.IsMatch(code, @"new\s+FileStream\s*\(") && !code.Contains("FileAccess.Read,", StringComparison.Ordinal)
        && !code.Contains("FileAccess.Read)", StringComparison.Ordinal);

    /// <summary>
    /// Source files allowed to write files, each with the reason. Anything else in src/, or in a sample file that
    /// handles safetensors, that writes a file fails this test: a checkpoint must only ever be replaced by atomic
    /// rename (a reader that has it mapped would be killed by a truncation, see <see cref="SafeTensorsFile.Open"/>).
    /// </summary>
    private static readonly Dictionary<string, string> AllowedWriters = new(StringComparer.Ordinal)
    {
        ["src/ParameterKit/SafeTensors/AtomicFile.cs"] = "the atomic path itself: a fresh temporary file, then rename",
    };

    [Fact]
    public void Nothing_but_the_atomic_path_writes_files()
    {
        string root = RepositoryRoot();
        var offenders = new List<string>();
        foreach (string top in new[] { "src", "samples" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, top), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)
                    || AllowedWriters.ContainsKey(relative))
                {
                    continue;
                }
                string[] lines = File.ReadAllLines(file);
                // Samples write charts and logs too; only their checkpoint code is held to the atomic path.
                if (top == "samples" && !lines.Any(l => l.Contains("SafeTensors", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                for (int i = 0; i < lines.Length; i++)
                {
                    string code = lines[i].TrimStart();
                    if (!code.StartsWith("//", StringComparison.Ordinal) && (FileWrite.IsMatch(code) || OpensWritableStream(code)))
                    {
                        offenders.Add($"{relative}:{i + 1}: {code}");
                    }
                }
            }
        }
        Assert.True(offenders.Count == 0, "files written outside the atomic path:\n" + string.Join('\n', offenders));
        // The allow list is exact: an entry whose file no longer writes (or exists) must go.
        foreach (string allowed in AllowedWriters.Keys)
        {
            Assert.Matches(FileWrite, File.ReadAllText(Path.Combine(root, allowed)));
        }
    }
}
