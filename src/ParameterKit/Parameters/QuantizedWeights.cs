namespace ParameterKit.Parameters;

/// <summary>
/// The quantized side of a store loaded for inference with <see cref="WeightQuantization.Q8_0"/>: every matrix as a
/// <see cref="Q8_0Matrix"/>, and what keeps their memory alive — a memory-mapped GGUF file whose Q8_0 tensors are
/// viewed in place, and the native copies quantized from other types. <see cref="InferenceWeightMemory.Release"/> (the model's Dispose)
/// unmaps and frees them all; a matrix used afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed unsafe class QuantizedWeights : InferenceWeightMemory
{
    /// <summary>Holds <paramref name="parameter"/> as a view of <paramref name="data"/>, memory some adopted owner keeps alive.</summary>
    public void AddMapped(Parameter parameter, byte* data, int rows, int columns)
    {
        var matrix = new Q8_0Matrix(this, data, rows, columns, mapped: true);
        Forget(parameter.Quantized);
        parameter.Quantized = matrix;
        Count(matrix.ByteCount, mapped: true);
    }

    /// <summary>Allocates a private, 64-byte aligned block array for <paramref name="parameter"/> and returns it for filling.</summary>
    public byte* AddCopy(Parameter parameter, int rows, int columns)
    {
        var data = (byte*)AllocateCopy(Kernels.GemmQ8_0.RowBytes(columns) * rows);
        var matrix = new Q8_0Matrix(this, data, rows, columns, mapped: false);
        Forget(parameter.Quantized);
        parameter.Quantized = matrix;
        Count(matrix.ByteCount, mapped: false);
        return data;
    }

    /// <summary>Stops counting the matrix a reload replaces; its memory stays until release, since a pass may still read it.</summary>
    private void Forget(Q8_0Matrix? replaced)
    {
        if (replaced is not null)
        {
            Count(-replaced.ByteCount, replaced.IsMapped);
        }
    }
}
