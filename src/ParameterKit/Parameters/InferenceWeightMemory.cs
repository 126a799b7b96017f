using System.Runtime.InteropServices;

namespace ParameterKit.Parameters;

/// <summary>
/// The memory behind a store's inference-only matrices (<see cref="HalfPrecisionWeights"/>,
/// <see cref="QuantizedWeights"/>): the memory-mapped files whose tensors are viewed in place, the native copies made
/// when a tensor could not be, and the bytes of each kind. <see cref="Release"/> (the model's Dispose) unmaps and frees
/// them all; the finalizer frees the copies of a model never disposed. It is not itself IDisposable: the store that
/// holds it is not, and the model that owns the store is.
/// </summary>
/// <remarks>
/// A model's pass holds a use (<see cref="TryEnter"/> / <see cref="Exit"/>) while its kernels read the memory, so a
/// Dispose on another thread mid-pass cannot unmap what a kernel is reading (that was an access violation, the process
/// gone): a release asked for during a use happens when the last use ends, and no use can start after it was asked for.
/// One integer holds both, so the two cannot race: the count of uses, and a high bit once a release was asked for.
/// </remarks>
internal abstract unsafe class InferenceWeightMemory
{
    private const int ReleaseAsked = 1 << 30;
    private readonly List<IDisposable> _owners = [];
    private readonly List<nint> _copies = [];
    private bool _disposed;
    private int _uses;

    ~InferenceWeightMemory()
    {
        FreeCopies();
    }

    /// <summary>Whether <see cref="Release"/> ran.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Bytes of every held matrix.</summary>
    public long HeldBytes { get; private set; }

    /// <summary>The part of <see cref="HeldBytes"/> read from memory-mapped files (page cache, not private memory).</summary>
    public long MappedBytes { get; private set; }

    /// <summary>How many matrices were ever made views of a mapped file (replaced ones included): a load that raised it must adopt its file.</summary>
    public int ViewsMade { get; private set; }

    /// <summary>Keeps <paramref name="owner"/> (a memory-mapped file) open until <see cref="Release"/>.</summary>
    public void Adopt(IDisposable owner) => _owners.Add(owner);

    /// <summary>Starts a use of the memory; false once a release was asked for (the caller then throws ObjectDisposedException).</summary>
    public bool TryEnter()
    {
        while (true)
        {
            int state = Volatile.Read(ref _uses);
            if ((state & ReleaseAsked) != 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _uses, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Ends a use; the last one to end after a release was asked for performs it.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _uses) == ReleaseAsked)
        {
            ReleaseNow();
        }
    }

    /// <summary>Unmaps the adopted files and frees the copies, now or, when a pass is using them, as it ends.</summary>
    public void Release()
    {
        int before = Interlocked.Or(ref _uses, ReleaseAsked);
        if (before == 0)
        {
            ReleaseNow();
        }
    }

    private void ReleaseNow()
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

    /// <summary>Allocates <paramref name="bytes"/> of private, 64-byte aligned memory that <see cref="Release"/> frees.</summary>
    protected void* AllocateCopy(long bytes)
    {
        void* data = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);
        _copies.Add((nint)data);
        return data;
    }

    /// <summary>
    /// Counts a matrix of <paramref name="bytes"/> now held, read in place from a mapped file or not; negative bytes
    /// take back a matrix a reload replaced.
    /// </summary>
    protected void Count(long bytes, bool mapped)
    {
        HeldBytes += bytes;
        if (mapped)
        {
            MappedBytes += bytes;
            if (bytes > 0)
            {
                ViewsMade++;
            }
        }
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
