using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ParameterKit.Kernels;
using ParameterKit.Parameters;

namespace ParameterKit.Gguf;

/// <summary>
/// Fills a Q8_0 matrix of a store loaded for quantized inference from one GGUF tensor: a Q8_0 tensor is viewed where
/// the memory map holds it (GGUF's blocks run along the fastest dimension, the declared columns, exactly as the
/// kernels read them), or copied once when its rows must be reordered (llama.cpp's rotary permutation of query and
/// key rows); any other type is dequantized a window of rows at a time and quantized (<see cref="Q8_0Quantization"/>).
/// </summary>
internal static unsafe class GgufQuantizedLoading
{
    /// <summary>Most float32 values dequantized per window (4 MiB).</summary>
    private const int Window = 1 << 20;

    /// <summary>Holds <paramref name="parameter"/> from <paramref name="tensor"/>, whose shape equals the declaration.</summary>
    /// <param name="file">The open file; a mapped view requires it to stay open as long as the model.</param>
    /// <param name="tensor">The tensor.</param>
    /// <param name="parameter">A matrix parameter of a store materialized for quantized inference.</param>
    /// <param name="heads">Rotary heads whose permutation is undone, or 0.</param>
    public static void Fill(GgufFile file, GgufTensorInfo tensor, Parameter parameter, int heads)
    {
        QuantizedWeights weights = parameter.Store.QuantizedWeights ?? throw new InvalidOperationException("The store is not materialized for quantized inference.");
        int rows = parameter.Shape[0], columns = parameter.Shape[1];
        ReadOnlySpan<byte> bytes = file.GetBytes(tensor);
        if (tensor.Type == GgufTensorType.Q8_0 && BitConverter.IsLittleEndian)
        {
            var data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
            if (heads == 0)
            {
                weights.AddMapped(parameter, data, rows, columns);
                return;
            }
            byte* copy = weights.AddCopy(parameter, rows, columns);
            // Rows of Q8_0 blocks move as whole rows, as float32 rows do.
            GgufStoreLoading.UnpermuteRotaryRows(bytes, new Span<byte>(copy, bytes.Length), rows, heads);
            return;
        }
        byte* blocks = weights.AddCopy(parameter, rows, columns);
        long quantizedRow = GemmQ8_0.RowBytes(columns);
        long storedRow = (long)columns / GgufTensorTypes.BlockSize(tensor.Type) * GgufTensorTypes.BlockBytes(tensor.Type);
        if (heads > 0)
        {
            // The permutation moves whole rows: dequantize all, put the rows back, quantize.
            var values = new float[(long)rows * columns];
            file.DequantizeToSingle(tensor, values);
            GgufStoreLoading.UnpermuteRotaryRows(values, rows, heads);
            Q8_0Quantization.Quantize(values, new Span<byte>(blocks, checked((int)(rows * quantizedRow))));
            return;
        }
        int windowRows = Math.Max(1, Window / Math.Max(columns, 1));
        var buffer = new float[(long)Math.Min(windowRows, rows) * columns];
        for (int r0 = 0; r0 < rows; r0 += windowRows)
        {
            int count = Math.Min(windowRows, rows - r0);
            Span<float> floats = buffer.AsSpan(0, count * columns);
            GgufDequantization.ToSingle(tensor.Type, bytes.Slice(checked((int)(r0 * storedRow)), checked((int)(count * storedRow))), floats);
            Q8_0Quantization.Quantize(floats, new Span<byte>(blocks + r0 * quantizedRow, checked((int)(count * quantizedRow))));
        }
    }
}
