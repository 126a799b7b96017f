using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// The half-precision side of a store loaded for inference (<see cref="ParameterStore.MaterializeForInference"/>):
/// every matrix parameter as a <see cref="HeldMatrix"/>, and what keeps their memory alive — the memory-mapped
/// checkpoints the zero-copy views point into, and the native copies made when a tensor could not be viewed in place.
/// <see cref="InferenceWeightMemory.Release"/> (the model's Dispose) unmaps and frees them all; a matrix used afterwards throws
/// <see cref="ObjectDisposedException"/>. It is not itself IDisposable: the store that holds it is not, and the model
/// that owns the store is.
/// </summary>
internal sealed unsafe class HalfPrecisionWeights : InferenceWeightMemory
{
    public HalfPrecisionWeights(DType type)
    {
        Type = type;
    }

    /// <summary>bf16 or f16.</summary>
    public DType Type { get; }

    /// <summary>Holds <paramref name="parameter"/> as a view of <paramref name="data"/>, memory some adopted owner keeps alive.</summary>
    public void AddMapped(Parameter parameter, ushort* data, int storedRows, int storedColumns, bool storedTransposed)
    {
        var matrix = new HeldMatrix(this, data, storedRows, storedColumns, storedTransposed, mapped: true);
        Forget(parameter.Held);
        parameter.Held = matrix;
        Count(matrix.ByteCount, mapped: true);
    }

    /// <summary>Allocates a private, 64-byte aligned copy for <paramref name="parameter"/> and returns it for filling.</summary>
    public ushort* AddCopy(Parameter parameter, int storedRows, int storedColumns, bool storedTransposed)
    {
        var data = (ushort*)AllocateCopy(2L * storedRows * storedColumns);
        var matrix = new HeldMatrix(this, data, storedRows, storedColumns, storedTransposed, mapped: false);
        Forget(parameter.Held);
        parameter.Held = matrix;
        Count(matrix.ByteCount, mapped: false);
        return data;
    }

    /// <summary>Stops counting the matrix a reload replaces; its memory stays until release, since a pass may still read it.</summary>
    private void Forget(HeldMatrix? replaced)
    {
        if (replaced is not null)
        {
            Count(-replaced.ByteCount, replaced.IsMapped);
        }
    }
}
