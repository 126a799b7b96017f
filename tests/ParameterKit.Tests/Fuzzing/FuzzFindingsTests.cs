using ParameterKit.Fuzz;

namespace ParameterKit.Tests.Fuzzing;

/// <summary>
/// The coverage-guided fuzzer's targets (tests/ParameterKit.Fuzz, docs/fuzzing.md) in every test run: each runs on a
/// fixture of its format, and every input AFL++ once found escaping one (kept, minimized, under
/// <c>Fixtures/fuzz-findings/TARGET/</c> after the fix) now ends in the reader's typed exception or is read.
/// </summary>
public sealed class FuzzFindingsTests
{
    private static string Findings => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz-findings");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in Directory.GetDirectories(Findings).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(folder).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_past_finding_no_longer_escapes_its_target(string target, string file)
    {
        Assert.True(FuzzTargets.All.ContainsKey(target), $"findings folder '{target}' names no target");
        // Read or refused with the reader's typed error: either is fine; anything else escapes and fails the test.
        _ = FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(Findings, target, file)));
    }

    [Theory]
    [InlineData("safetensors", "safetensors/v_all_dtypes.safetensors")]
    [InlineData("index", "safetensors/sharded_2/model.safetensors.index.json")]
    [InlineData("gguf", "fuzz-seeds/llama_bpe_tokenizer.gguf")]
    [InlineData("gguf", "fuzz-seeds/llama_spm_tokenizer.gguf")]
    [InlineData("config", "llama/gqa_llama3/config.json")]
    [InlineData("chat-template", "chat_templates/llama-3.1-instruct.jinja")]
    [InlineData("tokenizer-json", "tokenizers/synthetic-gpt2-digits/tokenizer.json")]
    [InlineData("adapter-config", "lora/gpt2_c24_r4/adapter_config.json")]
    [InlineData("adapter-weights", "lora/gpt2_c24_r4/adapter_model.safetensors")]
    [InlineData("tokenizer-config", "tokenizers/llama3/tokenizer_config.json")]
    [InlineData("spm-tokenizer-config", "tokenizers/llama2/tokenizer_config.json")]
    [InlineData("generation-config", "tokenizers/llama3/generation_config.json")]
    public void Every_target_reads_a_fixture_of_its_format(string target, string fixture)
    {
        // A target that refused even a valid file would fuzz nothing past the reader's first check.
        Assert.True(FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture))),
            $"target '{target}' refused the fixture {fixture}");
    }

    [Fact]
    public void Every_target_has_a_fixture_test()
    {
        string[] covered = ["safetensors", "index", "gguf", "config", "chat-template", "tokenizer-json", "adapter-config", "adapter-weights", "tokenizer-config", "spm-tokenizer-config", "generation-config"];
        Assert.Equal(covered.Order(StringComparer.Ordinal), FuzzTargets.All.Keys.Order(StringComparer.Ordinal));
    }
}
