using ParameterKit.Models.Gpt2;

namespace ParameterKit.Tests.Transformers;

/// <summary>
/// A random GPT-2 checkpoint folder with the full 50,257-token vocabulary but 16 channels and one layer (about
/// 0.8 M parameters), written to a temporary folder: chats render prompts with any byte-level token, which the
/// PyTorch fixtures' small vocabularies cannot encode. Its replies are noise; the plumbing is what tests check.
/// </summary>
internal static class TinyGpt2Folder
{
    private static readonly Lazy<string> Shared = new(() => Create(TempFolder.ForTheProcess("pk-tiny-gpt2-"), seed: 5));

    /// <summary>One folder per test run, written on first use and deleted when the test process exits.</summary>
    public static string Path => Shared.Value;

    /// <summary>Writes config.json and model.safetensors of a random model with <paramref name="seed"/> into <paramref name="folder"/>.</summary>
    public static string Create(string folder, ulong seed)
    {
        Gpt2Model.Create(new Gpt2Config(50257, 128, 16, 1, 2), seed).Save(System.IO.Path.Combine(folder, "model.safetensors"));
        File.WriteAllText(System.IO.Path.Combine(folder, "config.json"),
            """{"model_type": "gpt2", "n_layer": 1, "n_head": 2, "n_embd": 16, "vocab_size": 50257, "n_positions": 128, "layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"}""");
        return folder;
    }
}
