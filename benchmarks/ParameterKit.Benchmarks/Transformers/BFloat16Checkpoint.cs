using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Benchmarks.Transformers;

/// <summary>
/// Writes a model's parameters as a bf16 safetensors file in the Hub's layout, as the Hub's Llama-family checkpoints are
/// stored, so a benchmark can load what users download without a download.
/// </summary>
internal static class BFloat16Checkpoint
{
    /// <summary>Writes every parameter of <paramref name="store"/> to <paramref name="path"/> in bf16.</summary>
    /// <param name="store">The model's parameters (a tied head is one parameter and is written once).</param>
    /// <param name="path">The <c>.safetensors</c> file to write.</param>
    /// <param name="storedTransposed">Names the Hub stores transposed (GPT-2's Conv1D weights); none when null.</param>
    public static void Write(ParameterStore store, string path, Func<string, bool>? storedTransposed = null)
    {
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        foreach (Parameter parameter in store.Parameters)
        {
            float[] values = parameter.Value.ToArray();
            ulong[] dims = [.. parameter.Shape.Dimensions.ToArray().Select(d => (ulong)d)];
            if (storedTransposed?.Invoke(parameter.Name) == true)
            {
                var swapped = new float[values.Length];
                MatrixTranspose.Transpose(values, parameter.Shape[0], parameter.Shape[1], swapped);
                values = swapped;
                Array.Reverse(dims);
            }
            var bytes = new byte[2 * values.Length];
            BFloat16Conversion.FromSingle(values, bytes);
            writer.Add(parameter.Name, DType.BF16, dims, bytes);
        }
        writer.Save(path);
    }
}
