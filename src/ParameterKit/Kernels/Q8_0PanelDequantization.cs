using ParameterKit.Gguf;

namespace ParameterKit.Kernels;

/// <summary>
/// Dequantizing a panel of Q8_0 rows into float32 for the tall-product route of <see cref="GemmQ8_0"/>, split into equal
/// runs of blocks that <see cref="GemmWorkerPool"/> runs in parallel. Each value is one exact multiplication, so the split
/// cannot change a bit; it only keeps the second core from idling while the first widens the whole panel (GPT-2's
/// 512-token prompt ran at 0.81x float32 on two threads with the pass on one). One reusable instance per calling
/// thread: steady-state calls allocate nothing.
/// </summary>
internal sealed unsafe class Q8_0PanelDequantization : IPartitionedWork
{
    /// <summary>Fewest blocks worth a part of their own: below this the hand-off costs more than the widening.</summary>
    private const long BlocksPerPart = 2048;

    [ThreadStatic]
    private static Q8_0PanelDequantization? current;

    private byte* _source;
    private float* _destination;
    private long _blocks;
    private int _parts;

    /// <summary>Dequantizes <paramref name="blocks"/> consecutive blocks of <paramref name="source"/> on up to <paramref name="maxThreads"/> threads.</summary>
    public static void Run(byte* source, float* destination, long blocks, int maxThreads)
    {
        var work = current ??= new Q8_0PanelDequantization();
        work._source = source;
        work._destination = destination;
        work._blocks = blocks;
        work._parts = (int)Math.Clamp(blocks / BlocksPerPart, 1, Math.Max(1, maxThreads));
        try
        {
            GemmWorkerPool.Shared.Run(work, work._parts);
        }
        finally
        {
            work._source = null;
            work._destination = null;
        }
    }

    /// <inheritdoc/>
    public void Execute(int part)
    {
        long first = _blocks * part / _parts, end = _blocks * (part + 1) / _parts;
        int count = checked((int)(end - first)); // a panel holds at most GemmQ8_0.PanelCapacity values
        Q8_0Blocks.Dequantize(new ReadOnlySpan<byte>(_source + first * Q8_0Blocks.Bytes, count * Q8_0Blocks.Bytes),
            new Span<float>(_destination + first * Q8_0Blocks.Values, count * Q8_0Blocks.Values), count);
    }
}
