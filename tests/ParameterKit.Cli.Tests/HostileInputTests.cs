using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ParameterKit.Cli.Configs;
using ParameterKit.Cli.Diffing;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Hostile or damaged local input through the tool: every failure is one line or a JSON error with its kind and
/// the documented exit code, never an unhandled exception; inconsistent indexes, leftover temporary files and huge
/// headers are reported rather than ignored or printed in full.
/// </summary>
public sealed class HostileInputTests
{
    private static string Kind(CliResult result) => result.ErrorJson().GetProperty("error").GetProperty("kind").GetString()!;

    [Fact]
    public void An_index_with_a_lone_surrogate_is_a_rejected_file_exit_2()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("model.safetensors.index.json"), "{\"weight_map\":{\"\\ud800\":\"a.safetensors\"}}");
        CliResult json = CliRunner.Run("inspect", "--json", folder.File("model.safetensors.index.json"));
        Assert.Equal(2, json.ExitCode);
        Assert.Equal("InvalidIndex", Kind(json));

        CliResult human = CliRunner.Run("inspect", folder.Path);
        Assert.Equal(2, human.ExitCode);
        Assert.Single(human.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_folder_holding_model_safetensors_and_an_index_is_read_as_the_single_file_as_the_library_loads_it()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("merged", new Shape(3), new float[] { 1, 2, 3 });
        writer.Save(folder.File("model.safetensors"));
        File.WriteAllText(folder.File("model.safetensors.index.json"), "{\"weight_map\":{\"\\ud800\":\"a.safetensors\"}}");

        CliResult result = CliRunner.Run("inspect", "--json", folder.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(3, result.Json().GetProperty("total_parameters").GetInt64());
    }

    [Fact]
    public void An_index_with_invalid_utf8_is_a_rejected_file_exit_2()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("model.safetensors.index.json"), [.. "{\"weight_map\":{\"a"u8, 0xFF, .. "\":\"a.safetensors\"}}"u8]);
        CliResult json = CliRunner.Run("inspect", "--json", folder.File("model.safetensors.index.json"));
        Assert.Equal(2, json.ExitCode);
        Assert.Equal("InvalidIndex", Kind(json));
    }

    public static TheoryData<byte[]> BrokenConfigs() => new()
    {
        Encoding.UTF8.GetBytes("{\"\\ud800\": 1, \"model_type\": \"gpt2\"}"),
        Encoding.UTF8.GetBytes("{\"model_type\": \"gpt2\", \"n_embd\": 8, \"\\udfff\": true}"),
        Encoding.UTF8.GetBytes("{\"model_type\": \"\\ud800\"}"),
        Join("{\"model_type\": \"gpt2\", \"a", [0xC3], "\": 1}"),
        Join("{\"model", [0xED, 0xA0, 0x80], "\": 1}"),
    };

    private static byte[] Join(string before, byte[] bad, string after) => [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after)];

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void A_config_with_a_lone_surrogate_or_invalid_utf8_is_an_invalid_config(byte[] json)
    {
        var error = Assert.Throws<CliException>(() => ConfigParser.Parse(json, "config.json"));
        Assert.Equal("InvalidConfig", error.Kind);
        Assert.StartsWith("config.json: ", error.Message, StringComparison.Ordinal);

        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("config.json"), json);
        CliResult result = CliRunner.Run("count", "--json", "--config", folder.File("config.json"));
        // Invalid configs are rejected input: exit 2 (ExitCodes), like a rejected safetensors file.
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("InvalidConfig", Kind(result));
    }

    /// <summary>Shards a (x, y) and b (z, plus <paramref name="extraInB"/>), and an index with <paramref name="totalSize"/>.</summary>
    private static string Sharded(TempFolder folder, string? extraInB = null, int totalSize = 16)
    {
        var a = new SafeTensorsWriter();
        a.Add("x", new Shape(1), new float[] { 1 });
        a.Add("y", new Shape(2), new float[] { 2, 3 });
        a.Save(folder.File("a.safetensors"));
        var b = new SafeTensorsWriter();
        b.Add("z", new Shape(1), new float[] { 4 });
        if (extraInB is not null)
        {
            b.Add(extraInB, new Shape(1), new float[] { 5 });
        }
        b.Save(folder.File("b.safetensors"));
        string index = folder.File("model.safetensors.index.json");
        File.WriteAllText(index, $"{{\"metadata\":{{\"total_size\":{totalSize}}},\"weight_map\":{{\"x\":\"a.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"}}}}");
        return index;
    }

    [Fact]
    public void An_inconsistent_index_is_refused_and_lenient_inspect_lists_what_it_tolerated()
    {
        using var folder = new TempFolder();
        string index = Sharded(folder, extraInB: "x", totalSize: 99);

        CliResult strict = CliRunner.Run("inspect", "--json", index);
        Assert.Equal(2, strict.ExitCode);
        Assert.Equal("InvalidIndex", Kind(strict));

        CliResult lenient = CliRunner.Run("inspect", "--json", "--lenient-index", index);
        Assert.True(lenient.ExitCode == 0, lenient.Error);
        string[] tolerated = [.. lenient.Json().GetProperty("tolerated").EnumerateArray().Select(t => t.GetString()!)];
        Assert.Contains(tolerated, t => t.Contains("stored in two shards", StringComparison.Ordinal));
        Assert.Contains(tolerated, t => t.Contains("`metadata.total_size` is 99", StringComparison.Ordinal));
        Assert.Equal(3, lenient.Json().GetProperty("tensors").GetArrayLength());

        CliResult human = CliRunner.Run("inspect", "--lenient-index", index);
        Assert.Contains("Tolerated (--lenient-index): tensor 'x' is stored in two shards", human.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inspect", "--lenient-index accepts it")]
    [InlineData("cost", "parameterkit inspect --lenient-index reads it")]
    [InlineData("diff", "parameterkit inspect --lenient-index reads it")]
    public void The_refusal_of_an_inconsistent_index_names_the_option_that_accepts_it(string command, string hint)
    {
        // The library's message says "read the index leniently"; cost and diff have no such option, so it pointed nowhere.
        using var folder = new TempFolder();
        string index = Sharded(folder, totalSize: 99);
        CliResult result = command == "diff" ? CliRunner.Run(command, index, index) : CliRunner.Run(command, index);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(hint, result.Error, StringComparison.Ordinal);

        // A file that is broken, not inconsistent, gets no such hint: no reading accepts it.
        File.WriteAllText(index, "{");
        Assert.DoesNotContain("lenient-index", (command == "diff" ? CliRunner.Run(command, index, index) : CliRunner.Run(command, index)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consistent_index_has_nothing_tolerated()
    {
        using var folder = new TempFolder();
        CliResult result = CliRunner.Run("inspect", "--json", Sharded(folder));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(0, result.Json().GetProperty("tolerated").GetArrayLength());
    }

    [Fact]
    public void Inspecting_a_folder_mentions_leftover_temporary_files()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter();
        writer.Add("w", new Shape(2), new float[] { 1, 2 });
        writer.Save(folder.File("model.safetensors"));
        string leftover = folder.File($".model.safetensors.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(leftover, new byte[4096]);

        CliResult json = CliRunner.Run("inspect", "--json", folder.Path);
        Assert.True(json.ExitCode == 0, json.Error);
        JsonElement found = Assert.Single(json.Json().GetProperty("leftover_temporary_files").EnumerateArray());
        Assert.Equal(leftover, found.GetProperty("path").GetString());
        Assert.Equal(4096, found.GetProperty("bytes").GetInt64());

        CliResult human = CliRunner.Run("inspect", folder.Path);
        Assert.Contains($"Leftover temporary file of an interrupted save: {leftover}", human.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_human_view_summarises_past_two_thousand_tensors()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter(Enumerable.Range(0, 2_100).Select(i => KeyValuePair.Create($"k{i}", "v")));
        for (int i = 0; i < 2_500; i++)
        {
            writer.Add($"t{i:D5}", new Shape(1), new float[] { i });
        }
        writer.Save(folder.File("model.safetensors"));

        CliResult result = CliRunner.Run("inspect", "--tensors", folder.File("model.safetensors"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("t01999", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("t02000", result.Output, StringComparison.Ordinal);
        // t02000 .. t02499 hold the values 2000 .. 2499, one parameter each.
        Assert.Contains("... 500 more tensors not shown, holding 500 parameters (the first 2,000 are; --json lists all 2,500)", result.Output, StringComparison.Ordinal);
        Assert.Contains("... 100 more metadata entries not shown", result.Output, StringComparison.Ordinal);

        CliResult json = CliRunner.Run("inspect", "--json", folder.File("model.safetensors"));
        Assert.Equal(2_500, json.Json().GetProperty("tensors").GetArrayLength());
    }

    [Fact]
    public void A_fifo_given_as_a_checkpoint_is_refused_without_blocking()
    {
        using var folder = new TempFolder();
        string fifo = folder.File("model.safetensors");
        using (Process mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { fifo }, UseShellExecute = false })!)
        {
            Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed");
        }
        // A real process with a deadline (RunProcess kills it after 60 s): a blocking open fails the test, not the run.
        CliResult result = CliRunner.RunProcess("inspect", "--json", fifo);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("HeaderTooSmall", Kind(result));
        Assert.Contains("not a regular file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_compares_a_tensor_larger_than_its_window_piece_by_piece()
    {
        using var folder = new TempFolder();
        float[] values = [.. Enumerable.Range(0, 100).Select(i => (float)i)];
        float[] changed = (float[])values.Clone();
        changed[97] += 1; // in the last of seven 64-byte windows
        Save(folder.File("a.safetensors"), values);
        Save(folder.File("same.safetensors"), values);
        Save(folder.File("b.safetensors"), changed);
        using SafeTensorsCheckpoint a = SafeTensorsCheckpoint.Open(folder.File("a.safetensors"));
        using SafeTensorsCheckpoint same = SafeTensorsCheckpoint.Open(folder.File("same.safetensors"));
        using SafeTensorsCheckpoint b = SafeTensorsCheckpoint.Open(folder.File("b.safetensors"));
        var buffers = new CheckpointDiff.ChunkBuffers();

        TensorDifference unchanged = CheckpointDiff.CompareOne(a, a.Tensors[0], same, same.Tensors[0], buffers, windowBytes: 64);
        Assert.Equal(DifferenceStatus.Unchanged, unchanged.Status);
        Assert.Null(unchanged.Note);

        TensorDifference difference = CheckpointDiff.CompareOne(a, a.Tensors[0], b, b.Tensors[0], buffers, windowBytes: 64);
        Assert.Equal(DifferenceStatus.Changed, difference.Status);
        Assert.Equal(1.0, difference.MaxAbs);
        Assert.Equal(1.0, difference.L2);
    }

    private static void Save(string path, float[] values)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new Shape(values.Length), values);
        writer.Save(path);
    }
}
