using ParameterKit.SafeTensors;
using ParameterKit.Tensors;

namespace ParameterKit.Tests.SafeTensors;

/// <summary>
/// The tensor names and shapes of Hugging Face's <c>gpt2</c> (124M) <c>model.safetensors</c>, including the
/// older checkpoints' causal-mask buffers <c>attn.bias</c> [1, 1, 1024, 1024] and <c>attn.masked_bias</c> [].
/// Note the Conv1D layout: <c>c_attn.weight</c> is stored C x 3C.
/// </summary>
internal static class Gpt2Checkpoint
{
    public const int V = 50257, T = 1024, C = 768, L = 12;

    /// <summary>GPT-2 small's exact parameter count (wte and lm_head tied, buffers excluded).</summary>
    public const long ExactParameterCount = 124_439_808;

    public static IEnumerable<(string Name, ulong[] Shape)> Tensors(bool withMaskBuffers)
    {
        yield return ("wte.weight", [V, C]);
        yield return ("wpe.weight", [T, C]);
        for (int l = 0; l < L; l++)
        {
            string h = $"h.{l}.";
            yield return (h + "ln_1.weight", [C]);
            yield return (h + "ln_1.bias", [C]);
            if (withMaskBuffers)
            {
                yield return (h + "attn.bias", [1, 1, T, T]);
                yield return (h + "attn.masked_bias", []);
            }
            yield return (h + "attn.c_attn.weight", [C, 3 * C]);
            yield return (h + "attn.c_attn.bias", [3 * C]);
            yield return (h + "attn.c_proj.weight", [C, C]);
            yield return (h + "attn.c_proj.bias", [C]);
            yield return (h + "ln_2.weight", [C]);
            yield return (h + "ln_2.bias", [C]);
            yield return (h + "mlp.c_fc.weight", [C, 4 * C]);
            yield return (h + "mlp.c_fc.bias", [4 * C]);
            yield return (h + "mlp.c_proj.weight", [4 * C, C]);
            yield return (h + "mlp.c_proj.bias", [C]);
        }
        yield return ("ln_f.weight", [C]);
        yield return ("ln_f.bias", [C]);
    }

    /// <summary>
    /// The header of a GPT-2 float32 checkpoint and the length the whole file would have; the data (about
    /// 500 MB) is never produced.
    /// </summary>
    public static (byte[] Header, long FileLength) VirtualCheckpoint(bool withMaskBuffers)
    {
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        long data = 0;
        foreach ((string name, ulong[] shape) in Tensors(withMaskBuffers))
        {
            writer.Add(name, DType.F32, shape, _ => throw new InvalidOperationException("data is never written"));
            data += 4 * shape.Aggregate(1L, (p, d) => p * (long)d);
        }
        byte[] header = writer.BuildHeader();
        return (header, header.Length + data);
    }
}
