using System.Text.Json;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Every corpus file through <c>inspect --json</c>: a rejected file gives exit code 2 and
/// <c>{"error": {"kind": &lt;the crate's variant&gt;}}</c>; an accepted one lists exactly the manifest's tensors.
/// </summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Rejected => Corpus.Files(accepted: false);

    public static TheoryData<string> Accepted => Corpus.Files(accepted: true);

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejected_file_exits_2_with_the_crate_error_kind(string file)
    {
        CliResult result = CliRunner.Run("inspect", "--json", Corpus.PathOf(file));

        Assert.Equal(2, result.ExitCode);
        JsonElement error = result.ErrorJson().GetProperty("error");
        Assert.Equal(Corpus.Case(file).GetProperty("expected_error").GetString(), error.GetProperty("kind").GetString());
        Assert.Contains(Corpus.PathOf(file), error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejected_file_without_json_is_one_line_on_stderr(string file)
    {
        CliResult result = CliRunner.Run("inspect", Corpus.PathOf(file));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        string line = Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("parameterkit: error: not a valid safetensors file: ", line, StringComparison.Ordinal);
        Assert.Contains(Corpus.Case(file).GetProperty("expected_error").GetString()!, line, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_file_lists_every_tensor_and_the_metadata(string file)
    {
        JsonElement expected = Corpus.Case(file);
        CliResult result = CliRunner.Run("inspect", "--json", Corpus.PathOf(file));

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        JsonElement report = result.Json();
        var byName = report.GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        // A name the crate accepts twice with identical entries is one tensor.
        var expectedTensors = expected.GetProperty("tensors").EnumerateArray().DistinctBy(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(expectedTensors.Count, byName.Count);
        foreach (JsonElement t in expectedTensors)
        {
            JsonElement actual = byName[t.GetProperty("name").GetString()!];
            Assert.Equal(t.GetProperty("dtype").GetString(), actual.GetProperty("dtype").GetString());
            Assert.Equal(Numbers(t.GetProperty("shape")), Numbers(actual.GetProperty("shape")));
            Assert.Equal(Numbers(t.GetProperty("data_offsets")), Numbers(actual.GetProperty("data_offsets")));
            Assert.Equal(t.GetProperty("byte_length").GetUInt64(), actual.GetProperty("byte_length").GetUInt64());
        }
        JsonElement metadata = expected.GetProperty("metadata");
        if (metadata.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(JsonValueKind.Null, report.GetProperty("metadata").ValueKind);
        }
        else
        {
            Assert.Equal(metadata.EnumerateObject().Select(p => (p.Name, p.Value.GetString())),
                report.GetProperty("metadata").EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        }
        Assert.Equal(expected.GetProperty("data_start").GetUInt64(), report.GetProperty("files")[0].GetProperty("data_start").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_file_renders_as_tables(string file)
    {
        // Unicode names, JSON escapes, [brackets] in metadata, zero-sized and 0-d tensors: none may break the view.
        CliResult result = CliRunner.Run("inspect", "--tensors", Corpus.PathOf(file));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Total parameters: ", result.Output, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Sharded_index_and_its_folder_give_the_same_report()
    {
        string folder = Corpus.PathOf("sharded_2");
        JsonElement viaFolder = CliRunner.Run("inspect", "--json", folder).Json();
        JsonElement viaIndex = CliRunner.Run("inspect", "--json", Path.Combine(folder, "model.safetensors.index.json")).Json();

        Assert.Equal("sharded", viaFolder.GetProperty("layout").GetString());
        Assert.Equal(2, viaFolder.GetProperty("files").GetArrayLength());
        Assert.Equal(4, viaFolder.GetProperty("tensors").GetArrayLength());
        Assert.Equal("model-00002-of-00002.safetensors",
            viaFolder.GetProperty("tensors").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "lm_head.weight").GetProperty("file").GetString());
        Assert.Equal(viaFolder.GetProperty("tensors").GetRawText(), viaIndex.GetProperty("tensors").GetRawText());
        Assert.Equal(viaFolder.GetProperty("total_parameters").GetInt64(), viaIndex.GetProperty("total_parameters").GetInt64());
    }

    private static List<ulong> Numbers(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetUInt64())];
}
