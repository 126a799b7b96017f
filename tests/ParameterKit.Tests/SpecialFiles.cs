using System.Diagnostics;

namespace ParameterKit.Tests;

/// <summary>FIFOs for the tests that check a reader refuses what is not a regular file, and a deadline for readers that might block on one.</summary>
internal static class SpecialFiles
{
    /// <summary>Runs <paramref name="read"/> with a deadline, so a reader that blocks fails the test instead of hanging it.</summary>
    public static Exception? WithinTenSeconds(Action read, string fifo)
    {
        Task<Exception?> task = Task.Run(() =>
        {
            try
            {
                read();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        if (!task.Wait(TimeSpan.FromSeconds(10)))
        {
            // Unblock the reader (opening the FIFO for writing releases its open) before failing.
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
            task.Wait(TimeSpan.FromSeconds(10));
            Assert.Fail($"reading the FIFO '{fifo}' blocked for 10 s");
        }
        return task.Result;
    }

    public static string MakeFifo(TempFolder folder, string name)
    {
        string path = folder.File(name);
        using Process mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { path }, UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed");
        return path;
    }
}
