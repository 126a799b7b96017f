using ParameterKit.SafeTensors;
using ParameterKit.Tensors;
using ParameterKit.Tensors.Conversions;

namespace ParameterKit.Cli.Diffing;

/// <summary>
/// Compares two checkpoints tensor by tensor, streaming: values are converted and compared in chunks of
/// <see cref="ChunkElements"/> straight from the two memory maps, so the working set is two small buffers and the
/// pages being read, never two whole models.
/// </summary>
/// <remarks>
/// Identical bytes are recognized first with a vectorized byte comparison (most tensors of a fine-tune's frozen
/// parts), and only differing tensors pay for the float conversion. Sums are accumulated in double so a
/// 38-million-value embedding keeps its digits.
/// </remarks>
internal static class CheckpointDiff
{
    /// <summary>
    /// Elements per chunk: a multiple of 4, so a chunk of any dtype (including 4- and 6-bit ones) ends on a byte
    /// boundary, and small enough (256 kB of float32 per side) to stay in cache.
    /// </summary>
    public const int ChunkElements = 1 << 16;

    /// <summary>Compares every tensor of <paramref name="a"/> and <paramref name="b"/>, A's order first, then B's additions.</summary>
    /// <param name="a">The checkpoint before.</param>
    /// <param name="b">The checkpoint after.</param>
    /// <param name="cancellationToken">Checked between tensors.</param>
    public static IEnumerable<TensorDifference> Compare(SafeTensorsCheckpoint a, SafeTensorsCheckpoint b, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var before = new float[ChunkElements];
        var after = new float[ChunkElements];
        foreach (SafeTensorInfo ta in a.Tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return b.TryGetTensor(ta.Name, out SafeTensorInfo? tb)
                ? CompareOne(a, ta, b, tb, before, after)
                : new TensorDifference(ta.Name, DifferenceStatus.Removed, ta, null);
        }
        foreach (SafeTensorInfo tb in b.Tensors)
        {
            if (!a.TryGetTensor(tb.Name, out _))
            {
                yield return new TensorDifference(tb.Name, DifferenceStatus.Added, null, tb);
            }
        }
    }

    private static TensorDifference CompareOne(SafeTensorsCheckpoint a, SafeTensorInfo ta, SafeTensorsCheckpoint b, SafeTensorInfo tb,
        float[] before, float[] after)
    {
        if (!ta.Dimensions.SequenceEqual(tb.Dimensions))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Reshaped, ta, tb);
        }
        if (ta.ByteLength > int.MaxValue || tb.ByteLength > int.MaxValue)
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Changed, ta, tb, Note: "not compared: larger than 2 GB, the most one view can address");
        }
        ReadOnlySpan<byte> bytesA = a.FileOf(ta).GetBytes(ta);
        ReadOnlySpan<byte> bytesB = b.FileOf(tb).GetBytes(tb);
        if (ta.DType == tb.DType && bytesA.SequenceEqual(bytesB))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Unchanged, ta, tb, 0, 0, 0);
        }
        if (!ElementConversion.CanConvertToSingle(ta.DType) || !ElementConversion.CanConvertToSingle(tb.DType))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Changed, ta, tb, Note: "bytes differ; values not compared: no float conversion for this dtype");
        }

        int bitsA = ta.DType.BitSize(), bitsB = tb.DType.BitSize();
        double squaredDifference = 0, squaredBefore = 0, maxAbs = 0;
        for (long start = 0; start < (long)ta.ElementCount; start += ChunkElements)
        {
            int n = (int)Math.Min(ChunkElements, (long)ta.ElementCount - start);
            ElementConversion.ToSingle(ta.DType, bytesA.Slice((int)(start * bitsA / 8), n * bitsA / 8), before.AsSpan(0, n));
            ElementConversion.ToSingle(tb.DType, bytesB.Slice((int)(start * bitsB / 8), n * bitsB / 8), after.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                double x = before[i], d = after[i] - x;
                squaredDifference += d * d;
                squaredBefore += x * x;
                maxAbs = Math.Max(maxAbs, Math.Abs(d));
            }
        }
        double l2 = Math.Sqrt(squaredDifference);
        double relative = squaredBefore > 0 ? l2 / Math.Sqrt(squaredBefore) : l2 == 0 ? 0 : double.PositiveInfinity;
        return new TensorDifference(ta.Name, DifferenceStatus.Changed, ta, tb, l2, relative, maxAbs);
    }
}
