using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;

namespace ParameterKit.Counting.Architectures;

/// <summary>Architectures known by name, for counting without a config file: <c>gpt2</c>, <c>gpt3-175b</c>, <c>llama-2-7b</c>, <c>llama-3-8b</c>, <c>smollm2-135m</c>, <c>qwen2.5-0.5b</c>, ...</summary>
public static class KnownArchitectures
{
    private static readonly (string Name, Func<ParameterStore> Declare)[] Entries =
    [
        ("gpt2", Gpt2Config.Small.Declare),
        ("gpt2-medium", Gpt2Config.Medium.Declare),
        ("gpt2-large", Gpt2Config.Large.Declare),
        ("gpt2-xl", Gpt2Config.XL.Declare),
        ("gpt3-175b", Gpt2Config.Gpt3.Declare),
        ("llama-2-7b", LlamaConfig.Llama2With7B.Declare),
        ("llama-2-13b", LlamaConfig.Llama2With13B.Declare),
        ("llama-2-70b", LlamaConfig.Llama2With70B.Declare),
        ("llama-3-8b", LlamaConfig.Llama3With8B.Declare),
        ("llama-3-70b", LlamaConfig.Llama3With70B.Declare),
        ("llama-3.1-8b", LlamaConfig.Llama31With8B.Declare),
        ("llama-3.1-70b", LlamaConfig.Llama31With70B.Declare),
        ("llama-3.2-1b", LlamaConfig.Llama32With1B.Declare),
        ("llama-3.2-3b", LlamaConfig.Llama32With3B.Declare),
        ("tinyllama-1.1b", LlamaConfig.TinyLlama.Declare),
        ("smollm2-135m", LlamaConfig.SmolLM2With135M.Declare),
        ("smollm2-360m", LlamaConfig.SmolLM2With360M.Declare),
        ("smollm2-1.7b", LlamaConfig.SmolLM2With1700M.Declare),
        ("qwen2.5-0.5b", LlamaConfig.Qwen25With05B.Declare),
        ("qwen2.5-7b", LlamaConfig.Qwen25With7B.Declare),
        ("mistral-7b-v0.1", LlamaConfig.Mistral7B.Declare),
    ];

    /// <summary>Every known name.</summary>
    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    /// <summary>Declares the named architecture in a new, unmaterialized store.</summary>
    /// <param name="name">A known name (case-insensitive).</param>
    /// <param name="store">The declared model.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryDeclare(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ParameterStore? store)
    {
        foreach (var (known, declare) in Entries)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                store = declare();
                return true;
            }
        }
        store = null;
        return false;
    }
}
