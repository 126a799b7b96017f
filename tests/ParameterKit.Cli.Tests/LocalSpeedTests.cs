using System.Diagnostics;

namespace ParameterKit.Cli.Tests;

/// <summary><c>inspect</c> of a local multi-gigabyte file reads the header, never the data.</summary>
public sealed class LocalSpeedTests
{
    [Fact]
    public void Inspect_of_a_6_GB_file_reads_only_its_header()
    {
        using var folder = new TempFolder();
        byte[] header = RemoteInspectTests.SyntheticHeader(out long length);
        using (var stream = File.Create(folder.File("big.safetensors")))
        {
            stream.Write(header);
            // Sparse on every file system the tests run on: 6 GB that take no disk and no time to "read".
            stream.SetLength(length);
        }
        CliRunner.Run("count", "--config", "gpt2"); // warm up the in-process tool

        var clock = Stopwatch.StartNew();
        CliResult result = CliRunner.Run("inspect", folder.File("big.safetensors"));
        clock.Stop();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Total parameters: 3,000,000,000", result.Output, StringComparison.Ordinal);
        Assert.Contains("embedding │ 3,000,000,000 │ 100.00%", result.Output, StringComparison.Ordinal);
        // Well under a second on an idle machine; generous here because CI machines are shared.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"inspect took {clock.Elapsed}");
    }
}
