using System.Text.Json;
using ParameterKit.Tests.Gguf;

namespace ParameterKit.Cli.Tests;

/// <summary>
/// <c>inspect</c>, <c>count</c> and <c>cost</c> on GGUF files: the fixtures llama.cpp's own converter wrote from the
/// project's GPT-2 and Llama fixtures (Fixtures/gguf/make_model_fixtures.py), and files crafted field by field.
/// </summary>
public sealed class GgufInspectTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", name);

    private static string Gpt2Q8 => Fixture("gpt2_c32.q8_0.gguf");

    /// <summary>A valid safetensors file of the conformance corpus with at least one tensor.</summary>
    private static string AcceptedSafetensors => Corpus.PathOf(Corpus.Cases
        .First(c => c.GetProperty("accepted").GetBoolean() && new FileInfo(Corpus.PathOf(c.GetProperty("file").GetString()!)).Length > 100)
        .GetProperty("file").GetString()!);

    private static JsonElement InspectJson(string path)
    {
        CliResult result = CliRunner.Run("inspect", "--json", path);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Json();
    }

    private static Dictionary<string, long> ByKind(JsonElement document) =>
        document.GetProperty("by_kind").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    [Fact]
    public void Inspect_lists_counts_per_kind_and_per_type_with_exact_bytes_per_parameter()
    {
        JsonElement doc = InspectJson(Gpt2Q8);

        Assert.Equal("gguf", doc.GetProperty("format").GetString());
        Assert.Equal("gpt2", doc.GetProperty("architecture").GetString());
        Assert.Equal("name_map", doc.GetProperty("kinds_source").GetString());
        var types = doc.GetProperty("by_dtype").EnumerateArray().ToDictionary(t => t.GetProperty("dtype").GetString()!);
        Assert.Equal(1.0625, types["Q8_0"].GetProperty("bytes_per_parameter").GetDouble());
        Assert.Equal(4, types["F32"].GetProperty("bytes_per_parameter").GetDouble());
        // Each type's bytes are its parameters at its exact rate: whole blocks of 32 values in 34 bytes.
        Assert.Equal(types["Q8_0"].GetProperty("parameters").GetInt64() / 32 * 34, types["Q8_0"].GetProperty("bytes").GetInt64());
        long total = doc.GetProperty("total_parameters").GetInt64();
        Assert.Equal(total, types.Values.Sum(t => t.GetProperty("parameters").GetInt64()));
        Assert.Equal(total, ByKind(doc).Values.Sum());
        Assert.Equal(doc.GetProperty("parameter_bytes").GetInt64(), types.Values.Sum(t => t.GetProperty("bytes").GetInt64()));

        // Every tensor: the GGUF type, the PyTorch-order shape and the parameter the loader fills.
        var tensors = doc.GetProperty("tensors").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        JsonElement qkv = tensors["blk.0.attn_qkv.weight"];
        Assert.Equal("h.0.attn.c_attn.weight", qkv.GetProperty("parameter").GetString());
        Assert.Equal("weight", qkv.GetProperty("kind").GetString());
        Assert.Equal("Q8_0", qkv.GetProperty("dtype").GetString());
        Assert.Equal([96L, 32L], qkv.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([32L, 96L], qkv.GetProperty("gguf_dimensions").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(96 * 32 / 32 * 34, qkv.GetProperty("byte_length").GetInt64());
        Assert.Equal("embedding", tensors["token_embd.weight"].GetProperty("kind").GetString());
        Assert.Equal("wpe.weight", tensors["position_embd.weight"].GetProperty("parameter").GetString());
        Assert.Equal("norm_gain", tensors["blk.2.ffn_norm.weight"].GetProperty("kind").GetString());
        Assert.Equal("bias", tensors["blk.2.ffn_norm.bias"].GetProperty("kind").GetString());
    }

    [Fact]
    public void The_json_has_every_key_of_the_safetensors_document()
    {
        JsonElement safetensors = InspectJson(AcceptedSafetensors);
        JsonElement gguf = InspectJson(Gpt2Q8);

        foreach (JsonProperty key in safetensors.EnumerateObject())
        {
            Assert.True(gguf.TryGetProperty(key.Name, out JsonElement value), $"the GGUF document lacks '{key.Name}'");
            Assert.Equal(key.Value.ValueKind is JsonValueKind.Null ? JsonValueKind.Object : key.Value.ValueKind, value.ValueKind);
        }
        JsonElement tensor = gguf.GetProperty("tensors")[0];
        foreach (string key in new[] { "name", "dtype", "shape", "data_offsets", "byte_length", "elements", "kind", "file" })
        {
            Assert.True(tensor.TryGetProperty(key, out _), $"a GGUF tensor lacks '{key}'");
        }
    }

    [Fact]
    public void A_tied_gpt2_head_stored_as_a_copy_is_counted_once_as_count_declares_it()
    {
        JsonElement inspect = InspectJson(Gpt2Q8);
        CliResult count = CliRunner.Run("count", "--json", "--config", Gpt2Q8);
        Assert.True(count.ExitCode == 0, count.Error);
        JsonElement declared = count.Json();

        // The converter writes output.weight as a copy of token_embd.weight; the loaded model ties them.
        JsonElement tied = Assert.Single(inspect.GetProperty("tied").EnumerateArray());
        Assert.Equal("output.weight", tied.GetProperty("name").GetString());
        Assert.Equal("tied_copy", inspect.GetProperty("tensors").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "output.weight")
            .GetProperty("kind").GetString());
        Assert.Equal(declared.GetProperty("total_parameters").GetInt64(), inspect.GetProperty("total_parameters").GetInt64());
        Assert.Equal(ByKind(declared), ByKind(inspect));
        Assert.Equal(inspect.GetProperty("parameter_bytes").GetInt64(), declared.GetProperty("stored").GetProperty("parameter_bytes").GetInt64());
        // Counted once, yet held twice: the copy's bytes are reported beside the parameters', not hidden.
        long copyBytes = inspect.GetProperty("tensors").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "output.weight")
            .GetProperty("byte_length").GetInt64();
        Assert.True(copyBytes > 0);
        Assert.Equal(copyBytes, inspect.GetProperty("tied_copy_bytes").GetInt64());
    }

    [Theory]
    [InlineData("gpt2_c32.f32.gguf")]
    [InlineData("llama_mha.f32.gguf")]
    [InlineData("llama_mha.q8_0.gguf")]
    public void Inspect_and_count_agree_on_every_fixture(string name)
    {
        JsonElement inspect = InspectJson(Fixture(name));
        CliResult count = CliRunner.Run("count", "--json", "--config", Fixture(name));
        Assert.True(count.ExitCode == 0, count.Error);

        Assert.Equal(count.Json().GetProperty("total_parameters").GetInt64(), inspect.GetProperty("total_parameters").GetInt64());
        Assert.Equal(ByKind(count.Json()), ByKind(inspect));
        Assert.True(ByKind(inspect)["norm_gain"] > 0);
        Assert.True(ByKind(inspect)["embedding"] > 0);
    }

    [Fact]
    public void A_q8_0_llama_keeps_rows_that_are_not_whole_blocks_in_f16_and_says_so_per_type()
    {
        JsonElement doc = InspectJson(Fixture("llama_mha.q8_0.gguf"));
        var types = doc.GetProperty("by_dtype").EnumerateArray().Select(t => t.GetProperty("dtype").GetString()).ToHashSet();

        Assert.Contains("Q8_0", types);
        Assert.Contains("F16", types);
        Assert.Equal(2, doc.GetProperty("by_dtype").EnumerateArray().Single(t => t.GetProperty("dtype").GetString() == "F16")
            .GetProperty("bytes_per_parameter").GetDouble());
    }

    [Fact]
    public void The_text_report_shows_the_type_table_the_tied_copy_and_the_metadata()
    {
        CliResult result = CliRunner.Run("inspect", "--tensors", Gpt2Q8);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("GGUF v3 file", result.Output, StringComparison.Ordinal);
        Assert.Contains("kinds from the gpt2 name map", result.Output, StringComparison.Ordinal);
        Assert.Contains("1.0625", result.Output, StringComparison.Ordinal);
        Assert.Contains("Tied: output.weight is a stored copy of token_embd.weight", result.Output, StringComparison.Ordinal);
        Assert.Contains("general.architecture", result.Output, StringComparison.Ordinal);
        Assert.Contains("h.0.attn.c_attn.weight", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_architecture_without_a_name_map_is_classified_from_llama_cpp_names()
    {
        using var folder = new TempFolder();
        string path = folder.File("phi.gguf");
        File.WriteAllBytes(path, new GgufBuilder().String("general.architecture", "phi3")
            .Tensor("token_embd.weight", [32, 10]).Tensor("blk.0.attn_norm.weight", [32]).Tensor("blk.0.attn_qkv.weight", [32, 96], type: 8)
            .Tensor("blk.0.attn_qkv.bias", [96]).Tensor("rope_freqs.weight", [16]).Tensor("output.weight", [32, 10], type: 1).Build());

        JsonElement doc = InspectJson(path);

        Assert.Equal("inferred", doc.GetProperty("kinds_source").GetString());
        Assert.Equal(new Dictionary<string, long> { ["embedding"] = 320, ["weight"] = 3072 + 320, ["bias"] = 96, ["norm_gain"] = 32 }, ByKind(doc));
        Assert.Equal(["rope_freqs.weight"], doc.GetProperty("buffers").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(3072 / 32 * 34, doc.GetProperty("by_dtype").EnumerateArray().Single(t => t.GetProperty("dtype").GetString() == "Q8_0")
            .GetProperty("bytes").GetInt64());

        // count declares models it knows; this one it cannot, and says so as a rejected config.
        CliResult count = CliRunner.Run("count", "--config", path);
        Assert.Equal(2, count.ExitCode);
        Assert.Contains("phi3", count.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_shows_every_storage_type_exactly_and_what_the_file_holds_now()
    {
        JsonElement inspect = InspectJson(Gpt2Q8);
        CliResult result = CliRunner.Run("cost", "--json", Gpt2Q8);
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement cost = result.Json();

        double n = inspect.GetProperty("total_parameters").GetInt64();
        Assert.Equal(n, cost.GetProperty("parameters").GetDouble());
        JsonElement weights = cost.GetProperty("weight_bytes");
        Assert.Equal(4 * n, weights.GetProperty("f32").GetDouble());
        Assert.Equal(2 * n, weights.GetProperty("bf16").GetDouble());
        Assert.Equal(2 * n, weights.GetProperty("f16").GetDouble());
        Assert.Equal(1.0625 * n, weights.GetProperty("q8_0").GetDouble());
        Assert.Equal(0.5625 * n, weights.GetProperty("q4_0").GetDouble());
        JsonElement stored = cost.GetProperty("stored");
        Assert.Equal(inspect.GetProperty("parameter_bytes").GetInt64(), stored.GetProperty("bytes").GetInt64());
        Assert.Contains(stored.GetProperty("by_dtype").EnumerateArray(), t => t.GetProperty("dtype").GetString() == "Q8_0");

        CliResult text = CliRunner.Run("cost", Gpt2Q8);
        Assert.Contains("weights as stored now (Q8_0", text.Output, StringComparison.Ordinal);
        Assert.Contains("weights in q8_0 (1.0625 B/param)", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost_of_a_safetensors_checkpoint_shows_what_it_holds_now_too()
    {
        string file = AcceptedSafetensors;
        CliResult result = CliRunner.Run("cost", "--json", file);
        Assert.True(result.ExitCode == 0, result.Error);

        JsonElement stored = result.Json().GetProperty("stored");
        Assert.Equal(InspectJson(file).GetProperty("by_dtype").EnumerateArray().Sum(d => d.GetProperty("bytes").GetInt64()), stored.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Count_prints_block_types_with_their_scales()
    {
        CliResult result = CliRunner.Run("count", "--json", "--config", "gpt2");
        JsonElement memory = result.Json().GetProperty("memory_bytes");
        long n = result.Json().GetProperty("total_parameters").GetInt64();

        Assert.Equal((n + 31) / 32 * 34, memory.GetProperty("Q8_0").GetInt64());
        Assert.Equal((n + 31) / 32 * 18, memory.GetProperty("Q4_0").GetInt64());
        Assert.Contains("Q8_0", CliRunner.Run("count", "--config", "gpt2").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Gguf_files_where_they_cannot_go_are_named_as_such()
    {
        string gguf = Gpt2Q8;
        using var folder = new TempFolder();
        File.Copy(gguf, folder.File("a.gguf"));
        File.Copy(gguf, folder.File("b.gguf"));

        CliResult diff = CliRunner.Run("diff", folder.File("a.gguf"), folder.File("b.gguf"));
        Assert.Equal(2, diff.ExitCode);
        Assert.Contains($"diff compares safetensors checkpoints, and '{folder.File("a.gguf")}' is a GGUF file", diff.Error, StringComparison.Ordinal);

        // An architecture no model reads: the list of those that are names GPT-2 too (it once listed only the Llama family's).
        CliResult count = CliRunner.Run("count", "--config", Fixture("types.gguf"));
        Assert.Equal(2, count.ExitCode);
        Assert.Contains("GGUF architecture 'fixture' is not supported (supported: gpt2, llama, qwen2)", count.Error, StringComparison.Ordinal);

        CliResult inspect = CliRunner.Run("inspect", folder.Path);
        Assert.Equal(1, inspect.ExitCode);
        Assert.Contains("holds several GGUF files (a.gguf, b.gguf); name one", inspect.Error, StringComparison.Ordinal);
    }
}
