using ParameterKit.Models.Gpt2;
using ParameterKit.Counting.Architectures;
using ParameterKit.Models.Llama;

namespace ParameterKit.Cli.Configs;

/// <summary>
/// The hyperparameters behind each of the library's <see cref="KnownArchitectures"/> names, so <c>count</c> can
/// print them (the library's registry hands out declared stores, not configs). A test checks that this table and
/// the registry name the same models and count them identically.
/// </summary>
internal static class KnownConfigs
{
    private static readonly Dictionary<string, object> Configs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt2"] = Gpt2Config.Small,
        ["gpt2-medium"] = Gpt2Config.Medium,
        ["gpt2-large"] = Gpt2Config.Large,
        ["gpt2-xl"] = Gpt2Config.XL,
        ["gpt3-175b"] = Gpt2Config.Gpt3,
        ["llama-2-7b"] = LlamaConfig.Llama2With7B,
        ["llama-2-13b"] = LlamaConfig.Llama2With13B,
        ["llama-2-70b"] = LlamaConfig.Llama2With70B,
        ["llama-3-8b"] = LlamaConfig.Llama3With8B,
        ["llama-3-70b"] = LlamaConfig.Llama3With70B,
        ["llama-3.1-8b"] = LlamaConfig.Llama31With8B,
        ["llama-3.1-70b"] = LlamaConfig.Llama31With70B,
        ["llama-3.2-1b"] = LlamaConfig.Llama32With1B,
        ["llama-3.2-3b"] = LlamaConfig.Llama32With3B,
        ["tinyllama-1.1b"] = LlamaConfig.TinyLlama,
        ["smollm2-135m"] = LlamaConfig.SmolLM2With135M,
        ["smollm2-360m"] = LlamaConfig.SmolLM2With360M,
        ["smollm2-1.7b"] = LlamaConfig.SmolLM2With1700M,
        ["qwen2.5-0.5b"] = LlamaConfig.Qwen25With05B,
        ["qwen2.5-7b"] = LlamaConfig.Qwen25With7B,
        ["mistral-7b-v0.1"] = LlamaConfig.Mistral7B,
    };

    /// <summary>The names this table knows.</summary>
    public static IEnumerable<string> Names => Configs.Keys;

    /// <summary>The config of a known name, or null.</summary>
    public static object? Find(string name) => Configs.GetValueOrDefault(name);
}
