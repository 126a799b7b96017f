using System.Text.Json;
using Microsoft.ML.Tokenizers;
using ParameterKit.Gguf;
using ParameterKit.Tests.SafeTensors;
using ParameterKit.Tests.Tokenization;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Gguf;

/// <summary>
/// Llama 3's and Qwen2's tokenizers as llama.cpp's converter writes them into GGUF (<c>tokenizer.ggml.pre</c> =
/// <c>llama-bpe</c> / <c>qwen2</c>, the vocabulary as a dense array, merges as "a b" strings, special tokens typed
/// control) encode llama.cpp's 46 test strings to the ids Hugging Face's tokenizers give (Fixtures/tokenizers: tests.inp
/// / tests.out). The files are written here from the fixtures' cut <c>tokenizer.json</c>s, whose ids are the full
/// vocabulary's: ids the cut dropped hold placeholder tokens no merge can form.
/// </summary>
public sealed class GgufBpePreTokenizerTests : IClassFixture<GgufBpePreTokenizerTests.Files>
{
    private readonly Files _files;

    public GgufBpePreTokenizerTests(Files files) => _files = files;

    public static TheoryData<string, int> TestStrings()
    {
        var data = new TheoryData<string, int>();
        foreach (string model in new[] { "llama3", "qwen2" })
        {
            for (int i = 0; i < ModelTokenizerReferenceTests.ReadTests(model).Count; i++)
            {
                data.Add(model, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TestStrings))]
    public void Encodes_like_hugging_face(string model, int index)
    {
        (string text, int[] expected) = ModelTokenizerReferenceTests.ReadTests(model)[index];
        using GgufFile file = GgufFile.Open(_files.PathOf(model));

        ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);

        Assert.Equal(expected, tokenizer.Encode(text, addSpecialTokens: false));
        Assert.Equal(text, tokenizer.Decode(expected));
        if (model == "qwen2")
        {
            // No whole-word rule in Qwen2's tokenizer: the plain BpeTokenizer is the same tokenizer.
            Assert.Equal(expected, GgufTokenizer.Create(file).EncodeToIds(text));
        }
    }

    [Fact]
    public void Llama3s_whole_word_rule_is_not_left_to_a_bpe_tokenizer_that_cannot_apply_it()
    {
        using GgufFile file = GgufFile.Open(_files.PathOf("llama3"));

        var e = Assert.Throws<TokenizerFormatException>(() => GgufTokenizer.Create(file));

        Assert.Equal(GgufTokenizer.PreTokenizerKey, e.Setting);
        Assert.Contains("ModelTokenizer.FromGguf", e.Message, StringComparison.Ordinal);
        // Without the rule, the library's merges split "Cửa Việt" where Llama 3 keeps a vocabulary entry whole.
        (string text, int[] expected) = ModelTokenizerReferenceTests.ReadTests("llama3")[43];
        Assert.Equal("Cửa Việt", text);
        Assert.Equal(expected, ModelTokenizer.FromGguf(file).Encode(text, addSpecialTokens: false));
    }

    [Fact]
    public void Special_token_ids_bos_and_the_chat_template_come_from_the_metadata()
    {
        using GgufFile file = GgufFile.Open(_files.PathOf("llama3"));

        ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);

        Assert.Equal("<|begin_of_text|>", tokenizer.BeginOfSequenceToken);
        Assert.True(tokenizer.AddsBeginOfSequence);
        Assert.Equal(128000, tokenizer.Encode("Hi")[0]);
        Assert.Equal([128009], tokenizer.EndOfSequenceIds);
        Assert.Equal("<|eot_id|>", tokenizer.EndOfSequenceToken);
        Assert.NotNull(tokenizer.ChatTemplate);
        IReadOnlyList<int> chat = tokenizer.EncodeChat([new ChatTemplateMessage("user", "Hi")]);
        Assert.Equal(128000, chat[0]);
        Assert.Contains(128006, chat); // <|start_header_id|>, a control token matched whole
    }

    [Fact]
    public void A_token_id_outside_the_vocabulary_is_refused_by_key()
    {
        string path = _files.WriteVariant("bad-eos.gguf", b => b.UInt32(GgufTokenizer.EndOfSequenceIdKey, 999_999));
        using GgufFile file = GgufFile.Open(path);

        var e = Assert.Throws<TokenizerFormatException>(() => ModelTokenizer.FromGguf(file));

        Assert.Equal(GgufTokenizer.EndOfSequenceIdKey, e.Setting);
        Assert.Contains("999999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen2_normalizes_decomposed_text_as_its_own_tokenizer_does()
    {
        using GgufFile file = GgufFile.Open(_files.PathOf("qwen2"));
        ModelTokenizer tokenizer = ModelTokenizer.FromGguf(file);

        // "é" composed (U+00E9) and decomposed (e + U+0301) are one text after NFC, so one id sequence.
        Assert.Equal(tokenizer.Encode("caf\u00e9"), tokenizer.Encode("cafe\u0301"));
        Assert.False(tokenizer.AddsBeginOfSequence);
    }

    /// <summary>The two GGUF files, written once for the class.</summary>
    public sealed class Files : IDisposable
    {
        private readonly TempFolder _folder = new();
        private readonly Dictionary<string, string> _paths = [];

        public Files()
        {
            // What llama.cpp's converter writes for Llama 3 Instruct: BOS <|begin_of_text|>, EOS <|eot_id|>, the template.
            _paths["llama3"] = Write("llama3", "llama-bpe", b => b
                .UInt32(GgufTokenizer.BeginOfSequenceIdKey, 128000)
                .UInt32(GgufTokenizer.EndOfSequenceIdKey, 128009)
                .String(GgufTokenizer.ChatTemplateKey, LlamaTemplate));
            _paths["qwen2"] = Write("qwen2", "qwen2", b => b);
        }

        private static string LlamaTemplate =>
            "{{ bos_token }}{% for message in messages %}<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n{{ message['content'] | trim }}<|eot_id|>{% endfor %}";

        public string PathOf(string model) => _paths[model];

        /// <summary>The Llama 3 file with extra keys.</summary>
        internal string WriteVariant(string name, Func<GgufBuilder, GgufBuilder> extra) => Write("llama3", "llama-bpe", extra, name);

        public void Dispose() => _folder.Dispose();

        private string Write(string model, string pre, Func<GgufBuilder, GgufBuilder> extra, string? fileName = null)
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelTokenizerReferenceTests.Folder(model), "tokenizer.json")));
            JsonElement bpe = json.RootElement.GetProperty("model");
            var byId = new Dictionary<int, (string Token, int Type)>();
            foreach (JsonProperty entry in bpe.GetProperty("vocab").EnumerateObject())
            {
                byId[entry.Value.GetInt32()] = (entry.Name, 1);
            }
            foreach (JsonElement added in json.RootElement.GetProperty("added_tokens").EnumerateArray())
            {
                byId[added.GetProperty("id").GetInt32()] = (added.GetProperty("content").GetString()!, added.GetProperty("special").GetBoolean() ? 3 : 4);
            }
            int count = byId.Keys.Max() + 1;
            var tokens = new string[count];
            var types = new int[count];
            for (int id = 0; id < count; id++)
            {
                (tokens[id], types[id]) = byId.TryGetValue(id, out var known) ? known : ($"<pk-unused-{id}>", 1);
            }
            string[] merges = [.. bpe.GetProperty("merges").EnumerateArray().Select(m =>
                m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!)];
            byte[] bytes = extra(new GgufBuilder())
                .String("general.architecture", "llama")
                .String(GgufTokenizer.ModelKey, "gpt2")
                .String(GgufTokenizer.PreTokenizerKey, pre)
                .StringArray(GgufTokenizer.TokensKey, tokens)
                .Int32Array(GgufTokenizer.TokenTypesKey, types)
                .StringArray(GgufTokenizer.MergesKey, merges)
                .Build();
            return RawFile.Write(_folder.Path, fileName ?? model + ".gguf", bytes);
        }
    }
}
