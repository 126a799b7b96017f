using System.Text.Json;
using Gpt2Chat;
using Microsoft.Extensions.AI;
using ParameterKit.Models.Llama;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// The Gpt2Chat sample on Llama folders: tiny random Llama checkpoints the tests write, beside copies of the tokenizer
/// fixtures (Fixtures/tokenizers: Llama 2's SentencePiece with TinyLlama's chat template; Llama 3's trimmed
/// byte-level BPE with Llama 3.1's template). The weights are noise; what is checked is the wiring: the dispatcher's
/// model, the folder's tokenizer, template and stop tokens, and the prompt's ids.
/// </summary>
public sealed class Gpt2ChatLlamaFolderTests
{
    private static readonly Lazy<string> Llama2Folder = new(() => Write(TempFolder.ForTheProcess("pk-tiny-llama-"), "llama2", vocabulary: 32000, seed: 11));

    [Fact]
    public async Task LogitsOfALlamaFolderAreTheLlamaModelsOwn()
    {
        int[] ids = [1, 2, 3];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["logits", "--model", Llama2Folder.Value, "--tokens", "1,2,3", "--json"], TextReader.Null, output, error);
        Assert.True(code == 0, error.ToString());
        float[] printed = [.. JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(e => e.GetSingle())];

        LlamaModel model = LlamaModel.Load(Llama2Folder.Value);
        var expected = new float[model.VocabularySize];
        model.ForwardCached(ids, model.CreateCache(ids.Length), expected);
        // The same computation on the same weights, printed with "R": equal to the bit.
        Assert.Equal(expected, printed);
    }

    [Fact]
    public async Task ChatWithALlamaFolderRepliesThroughItsTemplate()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", Llama2Folder.Value, "--max-tokens", "6", "--seed", "2", "--system", "Be brief."],
            new StringReader("Hello there\nAnd again\n"), output, error);
        Assert.True(code == 0, error.ToString());
        string text = output.ToString();
        Assert.Contains("you> Hello there\nbot>", text, StringComparison.Ordinal);
        Assert.Contains("you> And again\nbot>", text, StringComparison.Ordinal);
        Assert.EndsWith("you> ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ALlamaFolderIsPromptedThroughItsTemplateAndStopsAtItsEndTokens()
    {
        var folder = ModelFolder.Load(Llama2Folder.Value);
        Assert.IsType<LlamaModel>(folder.Model);
        // TinyLlama's template: <|user|>, the text and </s>, then the assistant's cue.
        string prompt = folder.RenderPrompt([new ChatMessage(ChatRole.User, "Hi")]);
        Assert.Equal("<|user|>\nHi</s>\n<|assistant|>\n", prompt.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal([2], folder.Defaults.StopTokens);   // </s>
        Assert.Empty(folder.Defaults.StopStrings);      // the transcript's "\nUser:" is not this model's turn marker
    }

    [Fact]
    public void ALlama3PromptHasOneBeginOfTextAndHuggingFacesIds()
    {
        // The template writes <|begin_of_text|> and encoding adds none: Hugging Face's ids for the same conversation,
        // encoded by @huggingface/tokenizers on the full tokenizer.json (references.json, chats).
        using var temporary = new TempFolder("pk-tiny-llama-");
        string path = Write(temporary.Path, "llama3", vocabulary: 128256, seed: 12);
        var folder = ModelFolder.Load(path);
        ChatMessage[] conversation =
        [
            new(ChatRole.User, "2+2?"), new(ChatRole.Assistant, "4"), new(ChatRole.User, "And times 3?"), new(ChatRole.Assistant, "12"),
        ];
        IReadOnlyList<int> ids = Assert.IsType<Func<string, IReadOnlyList<int>>>(folder.EncodePrompt)(folder.RenderPrompt(conversation));
        using var references = JsonDocument.Parse(File.ReadAllText(Path.Combine(path, "references.json")));
        int[] expected = [.. references.RootElement.GetProperty("chats").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "llama-3.1-instruct|multi_turn_no_system|gen")
            .GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
        Assert.Equal(expected, ids);
        Assert.Single(ids, id => id == 128000);
        Assert.Equal([128001, 128008, 128009], folder.Defaults.StopTokens);   // generation_config.json's eos_token_id
    }

    [Fact]
    public void AGpt2FolderWithTokenizerFilesButNoTemplateUsesThemWithTheTranscript()
    {
        // The synthetic byte-level tokenizer (Fixtures/tokenizers/synthetic-gpt2-digits) with <|endoftext|> added and no
        // tokenizer_config.json: no EOS is named, so <|endoftext|> ends a reply, and the transcript's speaker lines too.
        using var temporary = new TempFolder("pk-tiny-gpt2-");
        string folder = TinyGpt2Folder.Create(temporary.Path, seed: 6);
        string source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", "synthetic-gpt2-digits", "tokenizer.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(source))!;
        json["added_tokens"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = 274, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        });
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
        var loaded = ModelFolder.Load(folder);
        Assert.Equal([274], loaded.Defaults.StopTokens);
        Assert.Equal(["\nUser:", "\nSystem:"], loaded.Defaults.StopStrings);
        Assert.StartsWith("User: 12", loaded.RenderPrompt([new ChatMessage(ChatRole.User, "12")]), StringComparison.Ordinal);
        // Encoded as transformers' tokenizer(text): this tokenizer.json's post-processor prepends <|bos|> (271).
        Assert.Equal([271, .. loaded.Tokenizer.EncodeToIds("12")], loaded.EncodePrompt!("12"));
    }

    [Fact]
    public async Task ALlamaFolderWithoutATokenizerIsOneLine()
    {
        using var temporary = new TempFolder("pk-tiny-llama-");
        string folder = Write(temporary.Path, tokenizer: null, vocabulary: 64, seed: 13);
        var error = new StringWriter();
        int code = await Gpt2ChatApp.RunAsync(["chat", "--model", folder, "--prompt", "Hi"], TextReader.Null, TextWriter.Null, error);
        Assert.Equal(1, code);
        Assert.StartsWith("Gpt2Chat: error: No tokenizer.json or tokenizer.model in ", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
    }

    /// <summary>
    /// A random Llama checkpoint (16 channels, one layer, tied embeddings) written into <paramref name="folder"/>, with the
    /// files of Fixtures/tokenizers/<paramref name="tokenizer"/> copied beside it (none when null).
    /// </summary>
    private static string Write(string folder, string? tokenizer, int vocabulary, ulong seed)
    {
        LlamaModel.Create(new LlamaConfig(vocabulary, 16, 24, 1, 2, 1, TieEmbeddings: true) { ContextLength = 512 }, seed)
            .Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {"model_type": "llama", "vocab_size": {{vocabulary}}, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 1,
             "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 512, "rms_norm_eps": 1e-05, "tie_word_embeddings": true}
            """);
        if (tokenizer is not null)
        {
            foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", tokenizer)))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }
        return folder;
    }
}
