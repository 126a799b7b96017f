using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;

namespace ParameterKit.Adapters;

/// <summary>
/// Where a model's layers sit in PEFT's names. PEFT wraps the Hugging Face model as <c>base_model.model</c>, whose modules
/// carry the transformers class's own names: GPT-2's blocks live under <c>transformer.</c> (a prefix this library's
/// names drop, see <see cref="Gpt2HubLayout"/>), Llama's already start with <c>model.</c>. GPT-2's Conv1D layers store
/// their weight C x OC, which PEFT records as <c>fan_in_fan_out</c>; the adapter matrices themselves have the same
/// shapes either way (A r x C, B OC x r). GPT-2's output head is the exception to its prefix: <c>GPT2LMHeadModel</c>
/// holds <c>transformer</c> and <c>lm_head</c> side by side, so the head's key is <c>lm_head</c>.
/// </summary>
/// <param name="ModulePrefix">What precedes a store path in PEFT's module key (<c>transformer.</c> for GPT-2).</param>
/// <param name="FanInFanOut">Whether the adapted layers are Conv1D (weight stored C x OC in the base checkpoint).</param>
/// <param name="UnprefixedPath">The one store path whose module sits beside the prefix, not under it (GPT-2's <c>lm_head</c>), or null.</param>
internal sealed record PeftLayout(string ModulePrefix, bool FanInFanOut, string? UnprefixedPath = null)
{
    /// <summary>The start of every tensor name in <c>adapter_model.safetensors</c>.</summary>
    public const string TensorPrefix = "base_model.model.";

    /// <summary>The layout of the model declared at the root of <paramref name="store"/>.</summary>
    public static PeftLayout For(ParameterStore store)
    {
        for (int i = 0; i < store.Modules.Count; i++)
        {
            if (store.Modules[i].Path.Length == 0)
            {
                return store.ModuleObjects[i] switch
                {
                    Gpt2Model => new PeftLayout(Gpt2HubLayout.TransformerPrefix, FanInFanOut: true, UnprefixedPath: "lm_head"),
                    LlamaModel => new PeftLayout("", FanInFanOut: false),
                    _ => new PeftLayout("", FanInFanOut: false),
                };
            }
        }
        return new PeftLayout("", FanInFanOut: false);
    }

    /// <summary>PEFT's module key of a layer (<c>transformer.h.0.attn.c_attn</c>), which <c>target_modules</c> matches.</summary>
    public string ModuleKey(string path) => path == UnprefixedPath ? path : ModulePrefix + path;

    /// <summary>The saved name of A or B for the layer at <paramref name="path"/>.</summary>
    public string TensorName(string path, bool isA) => TensorPrefix + ModuleKey(path) + (isA ? ".lora_A.weight" : ".lora_B.weight");

    /// <summary>
    /// The layer path and matrix a saved tensor name denotes, or null when it is not a LoRA tensor of this layout. The
    /// unprefixed head is also read under the prefix (<c>transformer.lm_head</c>), as this library once wrote it.
    /// </summary>
    public (string Path, bool IsA)? Parse(string tensorName)
    {
        if (!tensorName.StartsWith(TensorPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        string key = tensorName[TensorPrefix.Length..];
        bool isA;
        if (key.EndsWith(".lora_A.weight", StringComparison.Ordinal))
        {
            isA = true;
        }
        else if (key.EndsWith(".lora_B.weight", StringComparison.Ordinal))
        {
            isA = false;
        }
        else
        {
            return null;
        }
        key = key[..^".lora_A.weight".Length];
        if (key == UnprefixedPath)
        {
            return (key, isA);
        }
        return key.StartsWith(ModulePrefix, StringComparison.Ordinal) ? (key[ModulePrefix.Length..], isA) : null;
    }
}
