using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;

namespace LoraFineTune.Tests;

/// <summary>Tiny random checkpoint folders the tests write once per run (no network, nothing committed).</summary>
internal static class TinyFolders
{
    private static readonly Lazy<string> SharedGpt2 = new(WriteGpt2);
    private static readonly Lazy<string> SharedLlama = new(WriteLlama);

    /// <summary>GPT-2's 50,257-token vocabulary, 16 channels, one block, no tokenizer files (GPT-2's BPE is used).</summary>
    public static string Gpt2 => SharedGpt2.Value;

    /// <summary>Llama 2's 32,000-token SentencePiece vocabulary, 16 channels, one block, with its tokenizer files.</summary>
    public static string Llama => SharedLlama.Value;

    /// <summary>A text of a few hundred tokens with plenty of repetition for the adapters to learn.</summary>
    public static string WriteText(string folder)
    {
        string path = Path.Combine(folder, "notes.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("The customer asked for a refund and the agent said yes. ", 30)));
        return path;
    }

    private static string WriteGpt2()
    {
        string folder = TempFolder.ForTheProcess("pk-lora-gpt2-");
        Gpt2Model.Create(new Gpt2Config(50257, 128, 16, 1, 2), seed: 5).Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"),
            """{"model_type": "gpt2", "n_layer": 1, "n_head": 2, "n_embd": 16, "vocab_size": 50257, "n_positions": 128, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        return folder;
    }

    private static string WriteLlama()
    {
        string folder = TempFolder.ForTheProcess("pk-lora-llama-");
        LlamaModel.Create(new LlamaConfig(32000, 16, 24, 1, 2, 1, TieEmbeddings: true) { ContextLength = 64 }, seed: 9)
            .Save(Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(Path.Combine(folder, "config.json"),
            """{"model_type": "llama", "vocab_size": 32000, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64, "rms_norm_eps": 1e-05, "tie_word_embeddings": true}""");
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "llama2-tokenizer")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}
