using System.Text.Json;
using ParameterKit.Tokenization;

namespace ParameterKit.Tests.Tokenization;

/// <summary>
/// Model folders' tokenizers encode as Hugging Face's do. Fixtures/tokenizers holds, per model, llama.cpp's test
/// strings with the ids Hugging Face tokenizers gave for them (tests.inp / tests.out), the vocabulary (Llama 3 and
/// Qwen2: the full tokenizer.json cut to what those strings need by trim_bpe_tokenizer.py, ids unchanged; Llama 2: the
/// full SentencePiece model rebuilt by gguf_vocab_to_sentencepiece.py and checked against the same ids), and for the
/// BPE models, chat-template renderings encoded by Hugging Face's tokenizers on the full file (references.json). See
/// Fixtures/tokenizers/README.md for provenance and licences.
/// </summary>
public sealed class ModelTokenizerReferenceTests
{
    internal static string Folder(string model) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", model);

    /// <summary>
    /// Llama 2 strings on which Microsoft.ML.Tokenizers 2.0.1's SentencePiece BPE splits a run of one repeated
    /// character ("!!!!!!", "-------=======") differently from sentencepiece: a different but valid segmentation of the
    /// same text (<see cref="KnownLibraryDeviationsStillDecodeToTheSameText"/>). They are left to the library rather
    /// than patched with a hand-written BPE.
    /// </summary>
    private static readonly (string Model, int Index)[] KnownLibraryDeviations = [("llama2", 33), ("llama2", 45)];

    public static TheoryData<string, int> TestStrings()
    {
        var data = new TheoryData<string, int>();
        foreach (string model in new[] { "llama3", "qwen2", "llama2" })
        {
            for (int i = 0; i < ReadTests(model).Count; i++)
            {
                if (!KnownLibraryDeviations.Contains((model, i)))
                {
                    data.Add(model, i);
                }
            }
        }
        return data;
    }

    [Fact]
    public void KnownLibraryDeviationsStillDecodeToTheSameText()
    {
        var tokenizer = ModelTokenizer.FromFolder(Folder("llama2"));
        foreach ((string model, int index) in KnownLibraryDeviations)
        {
            (string text, int[] expected) = ReadTests(model)[index];
            IReadOnlyList<int> ids = tokenizer.Encode(text, addSpecialTokens: false);
            Assert.NotEqual(expected, ids);
            Assert.Equal(text, tokenizer.Decode(ids));
            Assert.Equal(text, tokenizer.Decode(expected));
        }
    }

    [Theory]
    [MemberData(nameof(TestStrings))]
    public void EncodesLikeHuggingFace(string model, int index)
    {
        (string text, int[] expected) = ReadTests(model)[index];
        var tokenizer = ModelTokenizer.FromFolder(Folder(model));

        Assert.Equal(expected, tokenizer.Encode(text, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(TestStrings))]
    public void DecodingUndoesEncoding(string model, int index)
    {
        (string text, _) = ReadTests(model)[index];
        var tokenizer = ModelTokenizer.FromFolder(Folder(model));

        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
    }

    public static TheoryData<string, string> ChatRenderings()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in new[] { "llama3", "qwen2" })
        {
            using JsonDocument references = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(model), "references.json")));
            foreach (JsonElement chat in references.RootElement.GetProperty("chats").EnumerateArray())
            {
                data.Add(model, chat.GetProperty("name").GetString()!);
            }
        }
        return data;
    }

    /// <summary>Rendered chat prompts, special tokens included, encode to Hugging Face's ids (what EncodeChat feeds the model).</summary>
    [Theory]
    [MemberData(nameof(ChatRenderings))]
    public void EncodesRenderedChatsLikeHuggingFace(string model, string name)
    {
        using JsonDocument references = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(model), "references.json")));
        JsonElement chat = references.RootElement.GetProperty("chats").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var tokenizer = ModelTokenizer.FromFolder(Folder(model));

        IReadOnlyList<int> ids = tokenizer.Encode(chat.GetProperty("text").GetString()!, addSpecialTokens: false);

        Assert.Equal(chat.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()), ids);
    }

    [Fact]
    public void EncodeChatRendersTheFoldersTemplateAndEncodesItWithoutAnExtraBos()
    {
        var tokenizer = ModelTokenizer.FromFolder(Folder("llama3"));
        using JsonDocument references = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder("llama3"), "references.json")));
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chat_templates", "cases.json")));
        var messages = cases.RootElement.GetProperty("conversations").GetProperty("system_multi_turn").EnumerateArray()
            .Select(m => new ChatTemplateMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
        JsonElement expected = references.RootElement.GetProperty("chats").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "llama-3.1-instruct|system_multi_turn|gen").GetProperty("ids");

        IReadOnlyList<int> ids = tokenizer.EncodeChat(messages, addGenerationPrompt: true);

        Assert.Equal(expected.EnumerateArray().Select(e => e.GetInt32()), ids);
        Assert.Equal(1, ids.Count(id => id == 128000));
    }

    [Fact]
    public void Llama3SpecialTokensComeFromTheFolder()
    {
        var tokenizer = ModelTokenizer.FromFolder(Folder("llama3"));

        Assert.Equal("<|begin_of_text|>", tokenizer.BeginOfSequenceToken);
        Assert.Equal(128000, tokenizer.BeginOfSequenceId);
        Assert.True(tokenizer.AddsBeginOfSequence);
        Assert.Equal("<|eot_id|>", tokenizer.EndOfSequenceToken);
        Assert.Equal([128001, 128008, 128009], tokenizer.EndOfSequenceIds);
        Assert.Equal([128000, 9906], tokenizer.Encode("Hello"));
        Assert.Equal([9906], tokenizer.Encode("Hello", addSpecialTokens: false));
        Assert.True(tokenizer.IsSpecial(128009));
        Assert.False(tokenizer.IsSpecial(9906));
        Assert.Equal("Hello", tokenizer.Decode([128000, 9906, 128009]));
        Assert.Equal("<|begin_of_text|>Hello<|eot_id|>", tokenizer.Decode([128000, 9906, 128009], skipSpecialTokens: false));
        Assert.NotNull(tokenizer.ChatTemplate);
    }

    [Fact]
    public void Qwen2HasNoBosAndStopsAtImEnd()
    {
        var tokenizer = ModelTokenizer.FromFolder(Folder("qwen2"));

        Assert.Null(tokenizer.BeginOfSequenceToken);
        Assert.False(tokenizer.AddsBeginOfSequence);
        Assert.Equal("<|im_end|>", tokenizer.EndOfSequenceToken);
        Assert.Equal([151645, 151643], tokenizer.EndOfSequenceIds);
        Assert.Equal(tokenizer.Encode("Hello", addSpecialTokens: false), tokenizer.Encode("Hello"));
    }

    [Fact]
    public void SentencePieceFolderAddsBosAndReadsTheTinyLlamaTemplate()
    {
        var tokenizer = ModelTokenizer.FromFolder(Folder("llama2"));

        Assert.IsType<Microsoft.ML.Tokenizers.LlamaTokenizer>(tokenizer.Tokenizer);
        Assert.Equal("<s>", tokenizer.BeginOfSequenceToken);
        Assert.Equal(1, tokenizer.BeginOfSequenceId);
        Assert.True(tokenizer.AddsBeginOfSequence);
        Assert.Equal("</s>", tokenizer.EndOfSequenceToken);
        Assert.Equal([2], tokenizer.EndOfSequenceIds);
        // " Hello world" per Llama 2's tokenizer: ▁Hello (15043), ▁world (3186), after BOS.
        Assert.Equal([1, 15043, 3186], tokenizer.Encode("Hello world"));
        Assert.Equal("Hello world", tokenizer.Decode([1, 15043, 3186, 2]));
        Assert.StartsWith("<|user|>\nHi</s>", tokenizer.ApplyChatTemplate([new ChatTemplateMessage("user", "Hi")]), StringComparison.Ordinal);
    }

    internal static List<(string Text, int[] Ids)> ReadTests(string model)
    {
        string[] texts = File.ReadAllText(Path.Combine(Folder(model), "tests.inp")).Split("\n__ggml_vocab_test__\n")[..^1];
        string[] lines = File.ReadAllText(Path.Combine(Folder(model), "tests.out")).Split('\n');
        return texts.Select((text, i) => (text, lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())).ToList();
    }
}
