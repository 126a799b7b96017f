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
/// parts), and only differing tensors pay for the conversion, to double (see <see cref="ExactValues"/>: an I64 or F64
/// change must not vanish in float32). Sums are accumulated in double so a 38-million-value embedding keeps its digits.
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
        var buffers = new ChunkBuffers();
        foreach (SafeTensorInfo ta in a.Tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return b.TryGetTensor(ta.Name, out SafeTensorInfo? tb)
                ? CompareOne(a, ta, b, tb, buffers)
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

    /// <summary>
    /// Bytes compared per step of the equality check: 1 GiB, inside the 2 GB a span can cover, so a tensor of any
    /// size is compared in pieces (and two identical 5 GB embeddings are "unchanged", not "too large to compare").
    /// </summary>
    public const int EqualityWindowBytes = 1 << 30;

    /// <summary>Compares one tensor present in both checkpoints.</summary>
    /// <param name="a">The checkpoint before.</param>
    /// <param name="ta">The tensor in <paramref name="a"/>.</param>
    /// <param name="b">The checkpoint after.</param>
    /// <param name="tb">The tensor of the same name in <paramref name="b"/>.</param>
    /// <param name="buffers">Scratch for one chunk of both tensors.</param>
    /// <param name="windowBytes">The equality check's step; tests pass a small one to exercise the piecewise path.</param>
    internal static TensorDifference CompareOne(SafeTensorsCheckpoint a, SafeTensorInfo ta, SafeTensorsCheckpoint b, SafeTensorInfo tb,
        ChunkBuffers buffers, int windowBytes = EqualityWindowBytes)
    {
        if (!ta.Dimensions.SequenceEqual(tb.Dimensions))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Reshaped, ta, tb);
        }
        SafeTensorsFile fileA = a.FileOf(ta), fileB = b.FileOf(tb);
        if (ta.DType == tb.DType && BytesEqual(fileA, ta, fileB, tb, windowBytes))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Unchanged, ta, tb, 0, 0, 0);
        }
        if (!ElementConversion.CanConvertToSingle(ta.DType) || !ElementConversion.CanConvertToSingle(tb.DType))
        {
            return new TensorDifference(ta.Name, DifferenceStatus.Changed, ta, tb, Note: "bytes differ; values not compared: no float conversion for this dtype");
        }

        // Chunks of ChunkElements, each read as a window of the map: no chunk comes near the 2 GB a span covers.
        ulong bitsA = (ulong)ta.DType.BitSize(), bitsB = (ulong)tb.DType.BitSize();
        double squaredDifference = 0, squaredBefore = 0, maxAbs = 0;
        double[] before = buffers.Before, after = buffers.After;
        for (ulong start = 0; start < ta.ElementCount; start += ChunkElements)
        {
            int n = (int)Math.Min(ChunkElements, ta.ElementCount - start);
            ExactValues.ToDouble(ta.DType, fileA.GetBytes(ta, start * bitsA / 8, (int)((ulong)n * bitsA / 8)), before.AsSpan(0, n), buffers.Singles);
            ExactValues.ToDouble(tb.DType, fileB.GetBytes(tb, start * bitsB / 8, (int)((ulong)n * bitsB / 8)), after.AsSpan(0, n), buffers.Singles);
            for (int i = 0; i < n; i++)
            {
                // An infinity left as it was is no change (∞ - ∞ would make the whole tensor's L2 NaN).
                double x = before[i], d = after[i] == x ? 0 : after[i] - x;
                squaredDifference += d * d;
                squaredBefore += x * x;
                maxAbs = Math.Max(maxAbs, Math.Abs(d));
            }
        }
        double l2 = Math.Sqrt(squaredDifference);
        // A NaN on either side makes the relative change NaN, as documented, not the "Infinity" of an all-zero A.
        double relative = double.IsNaN(l2) || double.IsNaN(squaredBefore) ? double.NaN
            : squaredBefore > 0 ? l2 / Math.Sqrt(squaredBefore) : l2 == 0 ? 0 : double.PositiveInfinity;
        return new TensorDifference(ta.Name, DifferenceStatus.Changed, ta, tb, l2, relative, maxAbs);
    }

    /// <summary>One chunk of converted values of each side, and the float32 scratch the narrow dtypes convert through.</summary>
    internal sealed class ChunkBuffers
    {
        public double[] Before { get; } = new double[ChunkElements];

        public double[] After { get; } = new double[ChunkElements];

        public float[] Singles { get; } = new float[ChunkElements];
    }

    /// <summary>Whether two tensors of one dtype hold the same bytes, compared <paramref name="windowBytes"/> at a time.</summary>
    internal static bool BytesEqual(SafeTensorsFile fileA, SafeTensorInfo ta, SafeTensorsFile fileB, SafeTensorInfo tb, int windowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowBytes);
        if (ta.ByteLength != tb.ByteLength)
        {
            return false;
        }
        for (ulong start = 0; start < ta.ByteLength; start += (ulong)windowBytes)
        {
            int length = (int)Math.Min((ulong)windowBytes, ta.ByteLength - start);
            if (!fileA.GetBytes(ta, start, length).SequenceEqual(fileB.GetBytes(tb, start, length)))
            {
                return false;
            }
        }
        return true;
    }
}
