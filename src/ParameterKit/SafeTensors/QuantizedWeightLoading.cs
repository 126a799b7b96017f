using ParameterKit.Kernels;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Fills the Q8_0 matrices of a store loaded for quantized inference from a safetensors checkpoint: each tensor
/// converted to float32 a window of rows at a time and quantized (<see cref="Q8_0Quantization"/>) into a private
/// copy, blocks along the declared columns. A tensor stored as the transpose of its parameter (a Conv1D weight,
/// C x OC) is read whole and gathered column by column, since a Q8_0 block must run along the reduced dimension.
/// </summary>
internal static unsafe class QuantizedWeightLoading
{
    /// <summary>Most float32 values converted per window: a 4 MiB buffer, reused within one tensor.</summary>
    private const int Window = 1 << 20;

    /// <summary>Holds <paramref name="parameter"/> as Q8_0 from <paramref name="tensor"/>.</summary>
    /// <param name="checkpoint">The open checkpoint.</param>
    /// <param name="tensor">A rank-2 tensor whose shape fits the parameter (or its transpose).</param>
    /// <param name="parameter">A matrix parameter of a store materialized for quantized inference.</param>
    /// <param name="transposed">Whether the tensor stores the parameter's transpose.</param>
    public static void Fill(SafeTensorsCheckpoint checkpoint, SafeTensorInfo tensor, Parameter parameter, bool transposed)
    {
        QuantizedWeights weights = parameter.Store.QuantizedWeights ?? throw new InvalidOperationException("The store is not materialized for quantized inference.");
        int rows = parameter.Shape[0], columns = parameter.Shape[1];
        byte* blocks = weights.AddCopy(parameter, rows, columns);
        long rowBytes = GemmQ8_0.RowBytes(columns);
        SafeTensorsFile file = checkpoint.FileOf(tensor);
        int size = tensor.DType.BitSize() / 8;
        if (transposed)
        {
            // Stored columns x rows: read whole, then each declared row is a stored column.
            var stored = new float[(long)rows * columns];
            checkpoint.ConvertToSingle(tensor, stored);
            var row = new float[columns];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    row[c] = stored[(long)c * rows + r];
                }
                Q8_0Quantization.Quantize(row, new Span<byte>(blocks + r * rowBytes, (int)rowBytes));
            }
            return;
        }
        int windowRows = Math.Max(1, Window / Math.Max(columns, 1));
        var buffer = new float[(long)Math.Min(windowRows, rows) * columns];
        for (int r0 = 0; r0 < rows; r0 += windowRows)
        {
            int count = Math.Min(windowRows, rows - r0);
            Span<float> floats = buffer.AsSpan(0, count * columns);
            ElementConversion.ToSingle(tensor.DType, file.GetBytes(tensor, (ulong)((long)r0 * columns * size), count * columns * size), floats);
            Q8_0Quantization.Quantize(floats, new Span<byte>(blocks + r0 * rowBytes, checked((int)(count * rowBytes))));
        }
    }
}
