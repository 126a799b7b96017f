using System.Buffers;

namespace ParameterKit.SafeTensors;

/// <summary>
/// Exposes a range of a <see cref="SafeTensorsFile"/>'s map as <see cref="Memory{T}"/>. Unlike a raw span, a
/// memory can be stored, so every access re-checks that the file is still open.
/// </summary>
internal sealed unsafe class MappedMemoryManager(SafeTensorsFile owner, byte* start, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
        return new Span<byte>(start, length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
        return new MemoryHandle(start + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
