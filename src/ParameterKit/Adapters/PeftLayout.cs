using ParameterKit.Models.Gpt2;
using ParameterKit.Models.Llama;
using ParameterKit.Parameters;

namespace ParameterKit.Adapters;

/// <summary>
/// Where a model's layers sit in PEFT's names. PEFT wraps the Hugging Face model as <c>base_model.model</c>, whose modules
/// carry the transformers class's own names: GPT-2's blocks live under <c>transformer.</c> (a prefix this library's
/// names drop, see <see cref="Gpt2HubLayout"/>), Llama's already start with <c>model.</c>. GPT-2's Conv1D layers store
/// their weight C x OC, which PEFT records as <c>fan_in_fan_out</c>; the adapter matrices themselves have the same
/// shapes either way (A r x C, B OC x r).
/// </summary>
/// <param name="ModulePrefix">What precedes a store path in PEFT's module key (<c>transformer.</c> for GPT-2).</param>
/// <param name="FanInFanOut">Whether the adapted layers are Conv1D (weight stored C x OC in the base checkpoint).</param>
internal sealed record PeftLayout(string ModulePrefix, bool FanInFanOut)
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
                    Gpt2Model => new PeftLayout(Gpt2HubLayout.TransformerPrefix, FanInFanOut: true),
                    LlamaModel => new PeftLayout("", FanInFanOut: false),
                    _ => new PeftLayout("", FanInFanOut: false),
                };
            }
        }
        return new PeftLayout("", FanInFanOut: false);
    }

    /// <summary>PEFT's module key of a layer (<c>transformer.h.0.attn.c_attn</c>), which <c>target_modules</c> matches.</summary>
    public string ModuleKey(string path) => ModulePrefix + path;

    /// <summary>The saved name of A or B for the layer at <paramref name="path"/>.</summary>
    public string TensorName(string path, bool isA) => TensorPrefix + ModulePrefix + path + (isA ? ".lora_A.weight" : ".lora_B.weight");

    /// <summary>The layer path and matrix a saved tensor name denotes, or null when it is not a LoRA tensor of this layout.</summary>
    public (string Path, bool IsA)? Parse(string tensorName)
    {
        string start = TensorPrefix + ModulePrefix;
        if (!tensorName.StartsWith(start, StringComparison.Ordinal))
        {
            return null;
        }
        string rest = tensorName[start.Length..];
        if (rest.EndsWith(".lora_A.weight", StringComparison.Ordinal))
        {
            return (rest[..^".lora_A.weight".Length], true);
        }
        if (rest.EndsWith(".lora_B.weight", StringComparison.Ordinal))
        {
            return (rest[..^".lora_B.weight".Length], false);
        }
        return null;
    }
}
