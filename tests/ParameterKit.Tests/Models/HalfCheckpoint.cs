using System.Runtime.InteropServices;
using ParameterKit.Parameters;
using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tests.Kernels;

namespace ParameterKit.Tests.Models;

/// <summary>
/// Writes a float32 store's parameters as a bf16 or f16 checkpoint (rounding to nearest even), as the Hub stores most
/// checkpoints: what the half-precision loading tests of every architecture read, in place or converted.
/// </summary>
internal static class HalfCheckpoint
{
    /// <summary>Writes every parameter of <paramref name="store"/> as <paramref name="type"/> into <paramref name="path"/>.</summary>
    /// <param name="store">A materialized float32 store.</param>
    /// <param name="type">BF16 or F16.</param>
    /// <param name="path">The <c>.safetensors</c> file.</param>
    /// <param name="transposed">Names whose matrices the Hub stores transposed (GPT-2's Conv1D weights).</param>
    /// <param name="include">Which parameters this file holds (one shard of a sharded checkpoint); all when null.</param>
    /// <param name="vectorsInFloat32">Keep vectors (norm gains, biases) float32, as a half-precision store holds them.</param>
    public static void Write(ParameterStore store, DType type, string path, Func<string, bool>? transposed = null, Func<string, bool>? include = null,
        bool vectorsInFloat32 = false)
    {
        var writer = new SafeTensorsWriter(new Dictionary<string, string> { ["format"] = "pt" });
        foreach (Parameter parameter in store.Parameters.Where(p => include?.Invoke(p.Name) ?? true))
        {
            float[] values = parameter.Value.ToArray();
            if (vectorsInFloat32 && parameter.Shape.Rank == 1)
            {
                writer.Add(parameter.Name, parameter.Shape, values);
                continue;
            }
            ulong[] dims = [.. parameter.Shape.Dimensions.ToArray().Select(d => (ulong)d)];
            if (transposed?.Invoke(parameter.Name) == true)
            {
                var swapped = new float[values.Length];
                MatrixTranspose.Transpose(values, parameter.Shape[0], parameter.Shape[1], swapped);
                values = swapped;
                Array.Reverse(dims);
            }
            (ushort[] bits, _) = GemmHalfTests.ToHalf(values, type);
            writer.Add(parameter.Name, type, dims, MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());
        }
        writer.Save(path);
    }

    /// <summary>Elements of the rank-2 parameters: the ones a half-precision store holds in 16 bits.</summary>
    public static long MatrixElements(ParameterStore store) => store.Parameters.Where(p => p.Shape.Rank == 2).Sum(p => p.ElementCount);
}
