using System.Runtime.InteropServices;
using ParameterKit.Tensors;

namespace ParameterKit.Parameters;

/// <summary>
/// The half-precision side of a store loaded for inference (<see cref="ParameterStore.MaterializeForInference"/>):
/// every matrix parameter as a <see cref="HeldMatrix"/>, and what keeps their memory alive — the memory-mapped
/// checkpoints the zero-copy views point into, and the native copies made when a tensor could not be viewed in place.
/// <see cref="Release"/> (the model's Dispose) unmaps and frees them all; a matrix used afterwards throws
/// <see cref="ObjectDisposedException"/>. It is not itself IDisposable: the store that holds it is not, and the model
/// that owns the store is.
/// </summary>
internal sealed unsafe class HalfPrecisionWeights
{
    private readonly List<IDisposable> _owners = [];
    private readonly List<nint> _copies = [];
    private bool _disposed;

    public HalfPrecisionWeights(DType type)
    {
        Type = type;
    }

    ~HalfPrecisionWeights()
    {
        FreeCopies();
    }

    /// <summary>bf16 or f16.</summary>
    public DType Type { get; }

    /// <summary>Whether <see cref="Release"/> ran.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Bytes of every held matrix.</summary>
    public long HeldBytes { get; private set; }

    /// <summary>The part of <see cref="HeldBytes"/> read from memory-mapped checkpoints (page cache, not private memory).</summary>
    public long MappedBytes { get; private set; }

    /// <summary>Holds <paramref name="parameter"/> as a view of <paramref name="data"/>, memory some adopted owner keeps alive.</summary>
    public void AddMapped(Parameter parameter, ushort* data, int storedRows, int storedColumns, bool storedTransposed)
    {
        var matrix = new HeldMatrix(this, data, storedRows, storedColumns, storedTransposed, mapped: true);
        parameter.Held = matrix;
        HeldBytes += matrix.ByteCount;
        MappedBytes += matrix.ByteCount;
    }

    /// <summary>Allocates a private, 64-byte aligned copy for <paramref name="parameter"/> and returns it for filling.</summary>
    public ushort* AddCopy(Parameter parameter, int storedRows, int storedColumns, bool storedTransposed)
    {
        nuint bytes = (nuint)(2L * storedRows * storedColumns);
        var data = (ushort*)NativeMemory.AlignedAlloc(Math.Max(bytes, 1), 64);
        _copies.Add((nint)data);
        var matrix = new HeldMatrix(this, data, storedRows, storedColumns, storedTransposed, mapped: false);
        parameter.Held = matrix;
        HeldBytes += matrix.ByteCount;
        return data;
    }

    /// <summary>Keeps <paramref name="owner"/> (a memory-mapped checkpoint) open until <see cref="Release"/>.</summary>
    public void Adopt(IDisposable owner) => _owners.Add(owner);

    /// <summary>Unmaps the adopted checkpoints and frees the copies.</summary>
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
