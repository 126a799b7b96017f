using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// The reference crate's <c>Metadata::validate</c> and its buffer-coverage check (steps 6 and 7 of SPEC.md §4),
/// in the crate's order so that a file breaking several rules gets the crate's error.
/// </summary>
internal static class HeaderValidator
{
    /// <summary>
    /// Validates offsets and sizes, then puts the table's records in offset order (ties keep header order) and
    /// re-indexes their names. Works in place: one array of record indexes is all it allocates.
    /// </summary>
    /// <param name="table">The parsed tensors, in header order.</param>
    /// <param name="headerLength">N, the header length field.</param>
    /// <param name="fileLength">The total length of the file.</param>
    /// <param name="source">The file or source name for error messages.</param>
    internal static void Validate(TensorTable table, ulong headerLength, ulong fileLength, string? source)
    {
        Span<TensorRecord> records = table.Records;
        var order = new int[records.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        // A stable sort on (begin, end), as the crate does: the index breaks ties, so an unstable sort is stable here.
        order.AsSpan().Sort(new OffsetOrder(table));

        ulong previousEnd = 0;
        foreach (int i in order)
        {
            ref readonly TensorRecord e = ref table[i];
            if (e.Begin != previousEnd || e.End < e.Begin)
            {
                throw Fail(SafeTensorsErrorKind.InvalidOffset, source, table.Name(i),
                    $"data_offsets [{e.Begin}, {e.End}] do not start where the previous tensor ends ({previousEnd}) or end before they begin");
            }
            ulong elements = table.ElementCount(in e) ?? throw Fail(SafeTensorsErrorKind.ValidationOverflow, source, table.Name(i),
                $"the element count of its {e.Rank}-dimensional shape overflows 64 bits");
            ulong bits = Multiply(elements, (ulong)e.DType.BitSize())
                ?? throw Fail(SafeTensorsErrorKind.ValidationOverflow, source, table.Name(i),
                    $"{elements} elements of {e.DType.SafeTensorsName()} overflow a 64-bit bit count");
            if (bits % 8 != 0)
            {
                throw Fail(SafeTensorsErrorKind.MisalignedSlice, source, table.Name(i),
                    $"{elements} elements of {e.DType.SafeTensorsName()} are {bits} bits, not a whole number of bytes");
            }
            if (e.End - e.Begin != bits / 8)
            {
                throw Fail(SafeTensorsErrorKind.TensorInvalidInfo, source, table.Name(i),
                    $"{e.DType.SafeTensorsName()} {table.FormatDimensions(in e)} needs {bits / 8} bytes but data_offsets [{e.Begin}, {e.End}] hold {e.End - e.Begin}");
            }
            previousEnd = e.End;
        }

        // The crate adds without a check; a wrapped sum can never equal the file length, so overflow is a mismatch.
        ulong? covered = Add(previousEnd, 8UL + headerLength);
        if (covered != fileLength)
        {
            throw Fail(SafeTensorsErrorKind.MetadataIncompleteBuffer, source, null,
                $"the tensors cover {previousEnd} bytes of data after an 8 + {headerLength}-byte header, but the file is {fileLength} bytes long");
        }

        Permute(records, order);
        table.Reindex();
    }

    /// <summary>
    /// Reorders <paramref name="records"/> so that position i holds what was at <c>order[i]</c>, following each
    /// cycle of the permutation instead of copying into a second array (which would cost 32 bytes a tensor).
    /// <paramref name="order"/> is used up as the visited marks.
    /// </summary>
    private static void Permute(Span<TensorRecord> records, int[] order)
    {
        for (int start = 0; start < order.Length; start++)
        {
            if (order[start] < 0)
            {
                continue;
            }
            TensorRecord first = records[start];
            int at = start;
            while (true)
            {
                int from = order[at];
                order[at] = -1;
                if (from == start)
                {
                    records[at] = first;
                    break;
                }
                records[at] = records[from];
                at = from;
            }
        }
    }

    /// <summary>Orders record indexes by (begin, end, index).</summary>
    private readonly struct OffsetOrder(TensorTable table) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            ref readonly TensorRecord x = ref table[a];
            ref readonly TensorRecord y = ref table[b];
            int c = x.Begin.CompareTo(y.Begin);
            if (c == 0)
            {
                c = x.End.CompareTo(y.End);
            }
            return c == 0 ? a.CompareTo(b) : c;
        }
    }

    private static ulong? Multiply(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        return high == 0 ? low : null;
    }

    private static ulong? Add(ulong a, ulong b) => a > ulong.MaxValue - b ? null : a + b;

    private static SafeTensorsFormatException Fail(SafeTensorsErrorKind kind, string? source, string? tensor, string detail) =>
        new(kind, source, tensor, detail);
}
