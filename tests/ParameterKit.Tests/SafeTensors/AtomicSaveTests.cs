using System.Diagnostics;
using System.Reflection;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// A save that fails, or a process killed while saving, must leave the previous checkpoint intact.
/// </summary>
public sealed class AtomicSaveTests
{
    private static byte[] SavePrevious(string path)
    {
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        writer.Add("previous", new Shape(4), new float[] { 1, 2, 3, 4 });
        writer.Save(path);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void A_save_that_throws_half_way_leaves_the_previous_file_and_no_temporary()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        byte[] previous = SavePrevious(path);

        var failing = new SafeTensorsWriter();
        failing.Add("big", DType.U8, [1 << 20], stream =>
        {
            stream.Write(new byte[1 << 19]);
            throw new IOException("disk full (simulated)");
        });
        Assert.Throws<IOException>(() => failing.Save(path));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_save_over_a_private_file_keeps_it_private()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows files have ACLs, not modes; a rename keeps nothing to lose there.
        }
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        SavePrevious(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        SavePrevious(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_save_into_a_folder_not_yet_made_makes_it()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "finetuned", "step-1", "model.safetensors");
        SavePrevious(path);
        using var saved = SafeTensorsFile.Open(path);
        Assert.Equal("previous", Assert.Single(saved.Header.Tensors).Name);
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_process_killed_while_saving_leaves_the_previous_file_intact()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        string marker = folder.File("started");
        byte[] previous = SavePrevious(path);

        string child = typeof(AtomicSaveTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SafeTensorsSaveChild").Value!;
        Assert.True(File.Exists(child), $"the helper {child} was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { "exec", child, path, marker },
            UseShellExecute = false,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(marker) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(20);
            }
            Assert.True(File.Exists(marker), $"the child never started writing: {(process.HasExited ? process.StandardError.ReadToEnd() : "timeout")}");
            Thread.Sleep(100);
            Assert.False(process.HasExited, "the child finished before it could be killed");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.Equal(previous, File.ReadAllBytes(path));
        using SafeTensorsFile reopened = SafeTensorsFile.Open(path);
        Assert.Equal([1f, 2f, 3f, 4f], reopened.ReadSingles("previous"));
        // The killed writer's partial temporary file is the only other thing in the folder.
        Assert.All(Directory.GetFiles(folder.Path).Except([path, marker]),
            f => Assert.Matches(@"^\.model\.safetensors\.[0-9a-f]{32}\.tmp$", Path.GetFileName(f)));
    }
}
