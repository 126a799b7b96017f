using ParameterKit.Tests.Gguf;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// Hostile and damaged GGUF files through <c>inspect</c>, <c>count</c> and <c>cost</c>: the reader's typed exception
/// becomes one line (or a JSON error with the reader's kind) and exit code 2, never a stack trace (every run is checked
/// for one by <see cref="CliRunner"/>).
/// </summary>
public sealed class GgufHostileInputTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", name);

    private static string Kind(CliResult result) => result.ErrorJson().GetProperty("error").GetProperty("kind").GetString()!;

    public static TheoryData<string, string> Damaged() => new()
    {
        // name, expected GgufErrorKind
        { "truncated-header", "Truncated" },
        { "truncated-data", "DataOutOfBounds" },
        { "bad-magic", "InvalidMagic" },
        { "empty", "Truncated" },
        { "huge-count", "InvalidCount" },
        { "version-1", "UnsupportedVersion" },
        { "gap-offset", "InvalidOffset" },
    };

    private static byte[] Make(string name)
    {
        byte[] valid = File.ReadAllBytes(Fixture("gpt2_c32.q8_0.gguf"));
        return name switch
        {
            "truncated-header" => valid[..200],
            "truncated-data" => valid[..^100],
            "bad-magic" => [.. "GGUX"u8, .. valid[4..]],
            "empty" => [],
            "huge-count" => new GgufBuilder { TensorCount = ulong.MaxValue / 2 }.Tensor("a.weight", [32]).Build(),
            "version-1" => new GgufBuilder { Version = 1 }.Build(),
            "gap-offset" => new GgufBuilder().Tensor("a.weight", [32]).Tensor("b.weight", [32], offset: 4096).Build(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Inspect_rejects_with_the_reader_kind_one_line_and_exit_2(string name, string kind)
    {
        using var folder = new TempFolder();
        string path = folder.File(name + ".gguf");
        File.WriteAllBytes(path, Make(name));

        CliResult json = CliRunner.Run("inspect", "--json", path);
        Assert.Equal(2, json.ExitCode);
        Assert.Equal(kind, Kind(json));
        Assert.Equal("", json.Output);

        CliResult human = CliRunner.Run("inspect", path);
        Assert.Equal(2, human.ExitCode);
        string line = Assert.Single(human.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"parameterkit: error: not a valid GGUF file: {kind} in '{path}'", line, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Count_and_cost_reject_the_same_way(string name, string kind)
    {
        using var folder = new TempFolder();
        string path = folder.File(name + ".gguf");
        File.WriteAllBytes(path, Make(name));

        CliResult count = CliRunner.Run("count", "--json", "--config", path);
        Assert.Equal(2, count.ExitCode);
        Assert.Equal(kind, Kind(count));
        CliResult cost = CliRunner.Run("cost", "--json", path);
        Assert.Equal(2, cost.ExitCode);
        Assert.Equal(kind, Kind(cost));
    }

    [Fact]
    public void A_gguf_magic_is_read_as_gguf_whatever_the_file_is_called()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(Fixture("gpt2_c32.q8_0.gguf"))[..200]);

        CliResult result = CliRunner.Run("inspect", "--json", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Truncated", Kind(result));
    }

    [Fact]
    public void A_gguf_without_a_configuration_key_cannot_be_counted_and_says_which_key()
    {
        using var folder = new TempFolder();
        string path = folder.File("bare.gguf");
        File.WriteAllBytes(path, new GgufBuilder().String("general.architecture", "gpt2").Tensor("token_embd.weight", [32, 10]).Build());

        Assert.Equal(0, CliRunner.Run("inspect", path).ExitCode);
        CliResult count = CliRunner.Run("count", "--config", path);

        Assert.Equal(2, count.ExitCode);
        Assert.Contains("gpt2.context_length", count.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gguf_url_is_refused_before_any_request()
    {
        CliResult result = CliRunner.Run("inspect", "--json", "http://127.0.0.1:9/model.gguf");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("InvalidInput", Kind(result));
    }

    [Fact]
    public void A_truncated_file_run_as_a_real_process_prints_one_line_and_exits_2()
    {
        using var folder = new TempFolder();
        string path = folder.File("cut.gguf");
        File.WriteAllBytes(path, Make("truncated-header"));

        CliResult result = CliRunner.RunProcess("inspect", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("not a valid GGUF file: Truncated", result.Error, StringComparison.Ordinal);
    }
}
