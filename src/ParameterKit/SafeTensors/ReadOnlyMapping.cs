using System.IO.MemoryMappedFiles;

namespace ParameterKit.SafeTensors;

/// <summary>
/// A whole file mapped read-only, its base pointer acquired: what <see cref="SafeTensorsFile"/> and
/// <see cref="Gguf.GgufFile"/> read tensors from in place. Creating one takes ownership of the stream (it is closed on
/// failure too); disposing releases the pointer, the view and the map, once.
/// </summary>
internal sealed unsafe class ReadOnlyMapping : IDisposable
{
    private readonly FileStream _stream;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;

    private ReadOnlyMapping(FileStream stream, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, long length)
    {
        _stream = stream;
        _map = map;
        _view = view;
        _base = basePointer;
        Length = length;
    }

    /// <summary>The first byte of the file; null once disposed.</summary>
    public byte* Base => _base;

    /// <summary>The file's length when it was mapped: every read stays within it.</summary>
    public long Length { get; }

    /// <summary>The file's first 2 GB (all of it when smaller), for parsing the header.</summary>
    /// <summary>The mapped file's handle (open as long as the map), for reads that should not fault in the map's pages.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle FileHandle => _stream.SafeFileHandle;

    public ReadOnlySpan<byte> Prefix => new(_base, (int)Math.Min(Length, int.MaxValue));

    /// <summary>Maps all of <paramref name="stream"/> (a file of at least one byte) read-only.</summary>
    /// <param name="stream">The open file; owned by the mapping from now on.</param>
    public static ReadOnlyMapping Create(FileStream stream)
    {
        long length = stream.Length;
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new ReadOnlyMapping(stream, map, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            if (pointer != null)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            view?.Dispose();
            if (map is null)
            {
                stream.Dispose(); // the map closes the stream once it exists
            }
            map?.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps the file. Every span obtained from it becomes invalid.</summary>
    public void Dispose()
    {
        if (_base == null)
        {
            return;
        }
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
