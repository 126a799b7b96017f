using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ParameterKit.Parameters;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Fills the half-precision matrices of a store loaded for inference from a checkpoint: in place when the tensor is
/// already in the store's weight type and suitably aligned (the matrix is then a view of the memory map, and the
/// checkpoint must stay open as long as the model), else converted once into a private copy.
/// </summary>
internal static unsafe class HeldWeightLoading
{
    /// <summary>Values converted per window when a tensor is copied: a 256 KiB float32 buffer, reused.</summary>
    private const int Window = 1 << 16;

    /// <summary>
    /// Opens <paramref name="path"/>, loads it into <paramref name="store"/> (materialized for inference) and, when any
    /// matrix is a view of it, hands the open checkpoint to the store's half-precision weights, which close it when the
    /// model is disposed. On failure the checkpoint is closed and the exception propagates.
    /// </summary>
    public static CheckpointLoadReport Load(ParameterStore store, string path, CheckpointLoadOptions options)
    {
        HalfPrecisionWeights half = store.HalfWeights ?? throw new InvalidOperationException("The store is not materialized for inference.");
        SafeTensorsCheckpoint? checkpoint = SafeTensorsCheckpoint.Open(path);
        try
        {
            int viewsBefore = half.ViewsMade;
            CheckpointLoadReport report = StoreCheckpoint.Load(store, checkpoint, options, viewInPlace: true);
            if (half.ViewsMade > viewsBefore)
            {
                half.Adopt(checkpoint);
                checkpoint = null;
            }
            return report;
        }
        finally
        {
            checkpoint?.Dispose();
        }
    }

    /// <summary>Holds <paramref name="parameter"/> from <paramref name="tensor"/>, in the layout the tensor is stored in.</summary>
    /// <param name="checkpoint">The open checkpoint.</param>
    /// <param name="tensor">A rank-2 tensor whose shape fits the parameter (or its transpose).</param>
    /// <param name="parameter">A matrix parameter of a store materialized for inference.</param>
    /// <param name="transposed">Whether the tensor stores the parameter's transpose (Conv1D weights).</param>
    /// <param name="half">The store's half-precision weights.</param>
    /// <param name="viewInPlace">Whether the checkpoint will be adopted by <paramref name="half"/>, so views of it stay valid;
    /// otherwise every matrix is copied.</param>
    public static void Fill(SafeTensorsCheckpoint checkpoint, SafeTensorInfo tensor, Parameter parameter, bool transposed, HalfPrecisionWeights half,
        bool viewInPlace)
    {
        int rows = (int)tensor.Dimensions[0], columns = (int)tensor.Dimensions[1];
        SafeTensorsFile file = checkpoint.FileOf(tensor);
        if (viewInPlace && tensor.DType == half.Type && BitConverter.IsLittleEndian && tensor.ByteLength <= int.MaxValue)
        {
            ReadOnlySpan<byte> bytes = file.GetBytes(tensor);
            var data = (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
            // Natural alignment keeps every platform's 16-bit loads legal; safetensors writers align tensors to 8 bytes,
            // so only a hand-made file lands on an odd address and takes the copy below.
            if (((nint)data & 1) == 0)
            {
                half.AddMapped(parameter, data, rows, columns, transposed);
                return;
            }
        }
        ushort* copy = half.AddCopy(parameter, rows, columns, transposed);
        int size = tensor.DType.BitSize() / 8;
        long count = (long)rows * columns;
        float[] buffer = new float[(int)Math.Min(Window, Math.Max(count, 1))];
        for (long done = 0; done < count; done += Window)
        {
            int n = (int)Math.Min(Window, count - done);
            Span<float> floats = buffer.AsSpan(0, n);
            ElementConversion.ToSingle(tensor.DType, file.GetBytes(tensor, (ulong)(done * size), n * size), floats);
            if (half.Type == DType.BF16)
            {
                BFloat16Conversion.FromSingle(floats, new Span<byte>(copy + done, 2 * n));
            }
            else
            {
                TensorPrimitives.ConvertToHalf(floats, new Span<Half>(copy + done, n));
            }
        }
    }
}
