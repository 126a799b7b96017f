using System.Runtime.InteropServices;

namespace ParameterKit.Parameters;

/// <summary>
/// The quantized side of a store loaded for inference with <see cref="WeightQuantization.Q8_0"/>: every matrix as a
/// <see cref="Q8_0Matrix"/>, and what keeps their memory alive — a memory-mapped GGUF file whose Q8_0 tensors are
/// viewed in place, and the native copies quantized from other types. <see cref="Release"/> (the model's Dispose)
/// unmaps and frees them all; a matrix used afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed unsafe class QuantizedWeights
{
    private readonly List<IDisposable> _owners = [];
    private readonly List<nint> _copies = [];
    private bool _disposed;

    ~QuantizedWeights()
    {
        FreeCopies();
    }

    /// <summary>Whether <see cref="Release"/> ran.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Bytes of every held matrix.</summary>
    public long HeldBytes { get; private set; }

    /// <summary>The part of <see cref="HeldBytes"/> read from memory-mapped files (page cache, not private memory).</summary>
    public long MappedBytes { get; private set; }

    /// <summary>Holds <paramref name="parameter"/> as a view of <paramref name="data"/>, memory some adopted owner keeps alive.</summary>
    public void AddMapped(Parameter parameter, byte* data, int rows, int columns)
    {
        var matrix = new Q8_0Matrix(this, data, rows, columns, mapped: true);
        parameter.Quantized = matrix;
        HeldBytes += matrix.ByteCount;
        MappedBytes += matrix.ByteCount;
    }

    /// <summary>Allocates a private, 64-byte aligned block array for <paramref name="parameter"/> and returns it for filling.</summary>
    public byte* AddCopy(Parameter parameter, int rows, int columns)
    {
        long bytes = Kernels.GemmQ8_0.RowBytes(columns) * rows;
        var data = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);
        _copies.Add((nint)data);
        var matrix = new Q8_0Matrix(this, data, rows, columns, mapped: false);
        parameter.Quantized = matrix;
        HeldBytes += matrix.ByteCount;
        return data;
    }

    /// <summary>Keeps <paramref name="owner"/> (a memory-mapped file) open until <see cref="Release"/>.</summary>
    public void Adopt(IDisposable owner) => _owners.Add(owner);

    /// <summary>Unmaps the adopted files and frees the copies.</summary>
    public void Release()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (IDisposable owner in _owners)
        {
            owner.Dispose();
        }
        _owners.Clear();
        FreeCopies();
        GC.SuppressFinalize(this);
    }

    private void FreeCopies()
    {
        foreach (nint copy in _copies)
        {
            NativeMemory.AlignedFree((void*)copy);
        }
        _copies.Clear();
    }
}
