using System.Text.Json;
using System.Text.Json.Nodes;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Tokenization;

/// <summary>
/// The tokenizer.json features a SmolLM2-shaped file uses (Digits then ByteLevel pre-tokenizers, a TemplateProcessing
/// BOS, a non-special added token), checked against Hugging Face's ids on a synthetic file
/// (Fixtures/tokenizers/make_synthetic_gpt2_digits.mjs); and hostile or malformed files, each a
/// <see cref="TokenizerFormatException"/> naming the file and the setting.
/// </summary>
public sealed class ModelTokenizerFormatTests : IDisposable
{
    private static readonly string Synthetic = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", "synthetic-gpt2-digits");
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-tokenizer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int> SyntheticCases()
    {
        var data = new TheoryData<int>();
        int count = JsonDocument.Parse(File.ReadAllText(Path.Combine(Synthetic, "references.json"))).RootElement.GetProperty("tests").GetArrayLength();
        for (int i = 0; i < count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SyntheticCases))]
    public void DigitsThenByteLevelWithTemplateBosEncodesLikeHuggingFace(int index)
    {
        JsonElement test = JsonDocument.Parse(File.ReadAllText(Path.Combine(Synthetic, "references.json"))).RootElement.GetProperty("tests")[index];
        var tokenizer = ModelTokenizer.FromFolder(Synthetic);

        IReadOnlyList<int> ids = tokenizer.Encode(test.GetProperty("text").GetString()!);

        Assert.Equal(test.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()), ids);
        Assert.True(tokenizer.AddsBeginOfSequence);
        // The added token "<tool>" is not special: decoding keeps it; the BOS and EOS are special and are skipped.
        Assert.Equal("x<tool>y", tokenizer.Decode(tokenizer.Encode("<|bos|>x<tool>y<|eos|>")));
    }

    [Fact]
    public void MissingTokenizerFilesNameTheFolder()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));
        Assert.Contains(_folder, e.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => ModelTokenizer.FromFolder(Path.Combine(_folder, "absent")));
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {", null, "not valid JSON")]
    [InlineData("[1, 2]", null, "JSON object")]
    [InlineData("{}", "model", "missing")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}", "model.type", "WordPiece")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"byte_fallback\": true, \"vocab\": {\"a\": 0}}}", "model.byte_fallback", "tokenizer.model")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -3}}}", "model.vocab", "non-negative")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}}}", "model.vocab", "non-negative")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b c\"]}}", "model.merges[0]", "two tokens")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [[\"a\", 7]]}}", "model.merges[0]", "merge")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"normalizer\": {\"type\": \"Lowercase\"}}", "normalizer.type", "NFC")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"Metaspace\"}}", "pre_tokenizer.type", "Metaspace")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(unclosed\"}, \"behavior\": \"Isolated\"}}", "pre_tokenizer.pattern.Regex", "regular expression")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"a\"}, \"behavior\": \"Removed\"}}", "pre_tokenizer.behavior", "Isolated")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true}}", "pre_tokenizer.add_prefix_space", "prefix space")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": null}", "pre_tokenizer", "ByteLevel")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"added_tokens\": [{\"id\": 1}]}", "added_tokens[0].content", "missing")]
    public void MalformedTokenizerJsonIsATypedErrorNamingFileAndSetting(string json, string? setting, string fragment)
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, json);

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Equal(path, e.File);
        Assert.Equal(setting, e.Setting);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedJsonIsRefusedWithoutRecursingIntoIt()
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, "{\"model\": " + new string('[', 100_000) + new string(']', 100_000) + "}");

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedFileIsRefusedBeforeReading()
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        using (var stream = File.Create(path))
        {
            // Sparse on Linux: the test writes nothing, yet the file claims more than the cap.
            stream.SetLength(200L * 1024 * 1024);
        }

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Contains("bytes", e.Message, StringComparison.Ordinal);
        Assert.Null(e.Setting);
    }

    [Fact]
    public void CatastrophicPreTokenizerRegexTimesOutInsteadOfHanging()
    {
        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(Synthetic, "tokenizer.json")))!;
        tokenizer["pre_tokenizer"] = JsonNode.Parse("""{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(a+)+b"}, "behavior": "Isolated"}, {"type": "ByteLevel", "use_regex": false}]}""");
        File.WriteAllText(Path.Combine(_folder, "tokenizer.json"), tokenizer.ToJsonString());
        var model = ModelTokenizer.FromFolder(_folder);

        Assert.Throws<System.Text.RegularExpressions.RegexMatchTimeoutException>(() => model.Encode(new string('a', 40) + "c"));
    }

    [Fact]
    public void MalformedTokenizerConfigNamesItsSetting()
    {
        File.Copy(Path.Combine(Synthetic, "tokenizer.json"), Path.Combine(_folder, "tokenizer.json"));
        string config = Path.Combine(_folder, "tokenizer_config.json");
        File.WriteAllText(config, "{\"eos_token\": 5}");

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Equal(config, e.File);
        Assert.Equal("eos_token", e.Setting);
    }

    [Fact]
    public void BadChatTemplateInConfigIsAChatTemplateExceptionNamingTheConfig()
    {
        File.Copy(Path.Combine(Synthetic, "tokenizer.json"), Path.Combine(_folder, "tokenizer.json"));
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), "{\"chat_template\": \"{% macro m() %}{% endmacro %}\"}");

        var e = Assert.Throws<ChatTemplateException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Equal("macro", e.Construct);
        Assert.Contains("tokenizer_config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptSentencePieceModelNamesTheFile()
    {
        string path = Path.Combine(_folder, "tokenizer.model");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02]);

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));

        Assert.Equal(path, e.File);
    }

    [Theory]
    [InlineData("tokenizer_config.json", "\"bos_token\": \"\\ud800\"", "not valid UTF-8 text")]
    [InlineData("tokenizer_config.json", "\"added_tokens_decoder\": {\"5\": {\"content\": \"\"}}", "is empty; an added token has text")]   // Encode grew without end
    public void A_tokenizer_config_string_that_cannot_be_used_is_named(string file, string setting, string says)
    {
        foreach (string source in Directory.GetFiles(Synthetic))
        {
            File.Copy(source, Path.Combine(_folder, Path.GetFileName(source)));
        }
        string path = Path.Combine(_folder, file);
        string text = File.ReadAllText(path).TrimEnd();
        File.WriteAllText(path, text[..^1].TrimEnd() + ", " + setting + "}");
        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vocabulary_key_that_is_not_valid_text_is_named_with_its_file()
    {
        foreach (string source in Directory.GetFiles(Synthetic))
        {
            File.Copy(source, Path.Combine(_folder, Path.GetFileName(source)));
        }
        string path = Path.Combine(_folder, "tokenizer.json");
        string text = File.ReadAllText(path);
        int vocab = text.IndexOf("\"vocab\"", StringComparison.Ordinal);
        int open = text.IndexOf('{', vocab);
        File.WriteAllText(path, text[..(open + 1)] + "\"\\ud800\": 999999, " + text[(open + 1)..]);   // a lone surrogate escape as a key
        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromFolder(_folder));
        Assert.Contains("not valid UTF-8 text", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
