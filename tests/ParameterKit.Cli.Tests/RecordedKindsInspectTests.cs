using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Cli.Tests;

/// <summary><c>inspect</c> takes kinds from the file's <c>parameterkit.kinds</c> record, and says when it had to infer them.</summary>
public sealed class RecordedKindsInspectTests
{
    [Fact]
    public void A_file_ParameterKit_wrote_is_inspected_with_its_recorded_kinds()
    {
        using var folder = new TempFolder();
        var store = new ParameterStore();
        store.Scope("embedding").Embedding(181, 32);   // the sentiment sample's layout, scaled down
        store.Scope("classifier").Weight(3, 32);
        store.Scope("classifier").Bias(3);
        store.Materialize(seed: 3);
        store.Save(folder.File("model.safetensors"));

        CliResult table = CliRunner.Run("inspect", "--tensors", folder.File("model.safetensors"));
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("kinds recorded in the file (parameterkit.kinds)", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ embedding\.weight\s+│ embedding\s+│ F32", table.Output);

        var json = CliRunner.Run("inspect", "--json", folder.File("model.safetensors")).Json();
        Assert.Equal("recorded", json.GetProperty("kinds_source").GetString());
        Assert.Equal(181 * 32, json.GetProperty("by_kind").GetProperty("embedding").GetInt64());
    }

    [Fact]
    public void A_foreign_file_says_its_kinds_are_inferred()
    {
        using var folder = new TempFolder();
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        writer.Add("embedding.weight", new Shape(181, 32), new float[181 * 32]);
        writer.Save(folder.File("model.safetensors"));

        CliResult table = CliRunner.Run("inspect", folder.File("model.safetensors"));
        Assert.Contains("kinds inferred from names (the file records none)", table.Output, StringComparison.Ordinal);
        var json = CliRunner.Run("inspect", "--json", folder.File("model.safetensors")).Json();
        Assert.Equal("inferred", json.GetProperty("kinds_source").GetString());
        Assert.Equal(0, json.GetProperty("by_kind").GetProperty("embedding").GetInt64());
    }
}
