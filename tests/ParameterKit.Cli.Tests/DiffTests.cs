using System.Text.Json;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary><c>diff</c>: every status, and relative L2 changes checked against hand-computed values.</summary>
public sealed class DiffTests
{
    [Fact]
    public void Diff_reports_each_status_and_the_relative_L2_change()
    {
        using var folder = new TempFolder();
        var a = new SafeTensorsWriter();
        a.Add("same", new Shape(3), new float[] { 1, 2, 3 });
        a.Add("changed", new Shape(2, 2), new float[] { 3, 0, 0, 4 });          // ||A|| = 5
        a.Add("reshaped", new Shape(4), new float[] { 1, 2, 3, 4 });
        a.Add("removed", new Shape(1), new float[] { 9 });
        a.Add("retyped", new Shape(2), new float[] { 1.5f, -2 });
        a.Save(folder.File("a.safetensors"));
        var b = new SafeTensorsWriter();
        b.Add("same", new Shape(3), new float[] { 1, 2, 3 });
        b.Add("changed", new Shape(2, 2), new float[] { 3, 1, 0, 4 });          // ||B - A|| = 1
        b.Add("reshaped", new Shape(2, 2), new float[] { 1, 2, 3, 4 });
        b.Add("added", new Shape(1), new float[] { 9 });
        // The same values stored as BF16: a dtype change whose values did not move.
        b.Add("retyped", DType.BF16, [2], new byte[] { 0xC0, 0x3F, 0x00, 0xC0 });
        b.Save(folder.File("b.safetensors"));

        CliResult result = CliRunner.Run("diff", "--json", folder.File("a.safetensors"), folder.File("b.safetensors"));

        Assert.True(result.ExitCode == 0, result.Error);
        var tensors = result.Json().GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("unchanged", Status(tensors["same"]));
        Assert.Equal("changed", Status(tensors["changed"]));
        Assert.Equal(0.2, tensors["changed"].GetProperty("relative_l2").GetDouble(), 12);
        Assert.Equal(1.0, tensors["changed"].GetProperty("max_abs").GetDouble());
        Assert.Equal("reshaped", Status(tensors["reshaped"]));
        Assert.Equal("removed", Status(tensors["removed"]));
        Assert.Equal("added", Status(tensors["added"]));
        Assert.Equal(JsonValueKind.Null, tensors["added"].GetProperty("a").ValueKind);
        Assert.Equal("changed", Status(tensors["retyped"]));
        Assert.Equal(0.0, tensors["retyped"].GetProperty("relative_l2").GetDouble());
        Assert.Equal("BF16", tensors["retyped"].GetProperty("b").GetProperty("dtype").GetString());

        CliResult table = CliRunner.Run("diff", folder.File("a.safetensors"), folder.File("b.safetensors"));
        Assert.Contains("1 unchanged, 2 changed, 1 reshaped, 1 added, 1 removed", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("same", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_streams_tensors_larger_than_one_chunk()
    {
        using var folder = new TempFolder();
        int n = Diffing.CheckpointDiff.ChunkElements * 3 + 17;
        var before = new float[n];
        var after = new float[n];
        double squaredBefore = 0, squaredDifference = 0;
        var random = new Random(5);
        for (int i = 0; i < n; i++)
        {
            before[i] = (float)random.NextDouble();
            after[i] = before[i] + (i % 1000 == 0 ? 0.5f : 0f);
            squaredBefore += (double)before[i] * before[i];
            double d = after[i] - before[i];
            squaredDifference += d * d;
        }
        Write(folder.File("a.safetensors"), before);
        Write(folder.File("b.safetensors"), after);

        JsonElement changed = CliRunner.Run("diff", "--json", folder.File("a.safetensors"), folder.File("b.safetensors"))
            .Json().GetProperty("tensors")[0];

        Assert.Equal(Math.Sqrt(squaredDifference / squaredBefore), changed.GetProperty("relative_l2").GetDouble(), 9);
    }

    [Fact]
    public void Two_random_llama_checkpoints_differ_in_every_tensor()
    {
        using var folder = new TempFolder();
        var config = new ParameterKit.Models.Llama.LlamaConfig(20, 8, 12, 2, 2, 1);
        Checkpoints.WriteLlama(config, folder.File("a.safetensors"), 1);
        Checkpoints.WriteLlama(config, folder.File("b.safetensors"), 2);
        JsonElement counts = CliRunner.Run("diff", "--json", folder.File("a.safetensors"), folder.File("b.safetensors")).Json().GetProperty("counts");
        // Norm gains start at ones whatever the seed: those are unchanged; every random matrix changed.
        Assert.Equal(2 * 2 + 1, counts.GetProperty("unchanged").GetInt32());
        Assert.Equal(1 + 2 * 7 + 1, counts.GetProperty("changed").GetInt32());
    }

    [Fact]
    public void Integer_and_double_changes_are_measured_exactly_not_through_float32()
    {
        using var folder = new TempFolder();
        // A and B differ by exactly one in one element of each tensor. 2^24 and 2^24 + 1 are one float32; 1e100 is
        // infinity in float32.
        foreach ((string file, long step, float last) in new[] { ("a.safetensors", 16_777_216L, 1f), ("b.safetensors", 16_777_217L, 2f) })
        {
            var writer = new SafeTensorsWriter();
            writer.Add("step", DType.I64, [2], Bytes<long>(step, 5));
            writer.Add("scale", DType.F64, [2], Bytes<double>(1e100, last));
            writer.Add("nan", new Shape(2), new float[] { float.NaN, last });
            writer.Add("infinite", new Shape(2), new float[] { float.PositiveInfinity, last });
            writer.Save(folder.File(file));
        }

        var tensors = CliRunner.Run("diff", "--json", folder.File("a.safetensors"), folder.File("b.safetensors"))
            .Json().GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        Assert.Equal(1.0, tensors["step"].GetProperty("max_abs").GetDouble());
        Assert.Equal(1.0, tensors["step"].GetProperty("l2").GetDouble());
        Assert.Equal(1.0, tensors["scale"].GetProperty("max_abs").GetDouble());
        Assert.Equal(1e-100, tensors["scale"].GetProperty("relative_l2").GetDouble(), 1e-110);
        Assert.Equal("NaN", tensors["nan"].GetProperty("relative_l2").GetString());
        // An infinity that stayed is no change: the finite change is measured (relative to an infinite norm: 0).
        Assert.Equal(1.0, tensors["infinite"].GetProperty("max_abs").GetDouble());
        Assert.Equal(0.0, tensors["infinite"].GetProperty("relative_l2").GetDouble());
    }

    private static byte[] Bytes<T>(params T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void A_url_is_refused_as_a_url_not_as_a_missing_file()
    {
        using var folder = new TempFolder();
        Write(folder.File("a.safetensors"), [1, 2]);

        CliResult result = CliRunner.Run("diff", folder.File("a.safetensors"), "https://user:secret@example.com/model.safetensors");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is a URL, and this command reads local checkpoints only", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", result.Error, StringComparison.Ordinal);
    }

    private static string? Status(JsonElement tensor) => tensor.GetProperty("status").GetString();

    private static void Write(string path, float[] values)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new Shape(values.Length), values);
        writer.Save(path);
    }
}
