using ParameterKit.Tensors;

namespace ParameterKit.SafeTensors;

/// <summary>
/// The reference crate's <c>Metadata::validate</c> and its buffer-coverage check (steps 6 and 7 of SPEC.md §4),
/// in the crate's order so that a file breaking several rules gets the crate's error.
/// </summary>
internal static class HeaderValidator
{
    /// <summary>Validates offsets and sizes and returns the tensors in offset order.</summary>
    /// <param name="entries">Parsed entries, in header order (ties in the offset sort keep this order).</param>
    /// <param name="json">The header text the entries were parsed from (their dimensions are read from it).</param>
    /// <param name="headerLength">N, the header length field.</param>
    /// <param name="fileLength">The total length of the file.</param>
    /// <param name="source">The file or source name for error messages.</param>
    internal static SafeTensorInfo[] Validate(List<HeaderJsonParser.Entry> entries, ReadOnlySpan<byte> json, ulong headerLength, ulong fileLength, string? source)
    {
        // A stable sort on (begin, end), as the crate does (List.Sort is not stable, so sort indices).
        var order = new int[entries.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) =>
        {
            int c = entries[a].Begin.CompareTo(entries[b].Begin);
            if (c == 0)
            {
                c = entries[a].End.CompareTo(entries[b].End);
            }
            return c == 0 ? a.CompareTo(b) : c;
        });

        ulong previousEnd = 0;
        for (int i = 0; i < order.Length; i++)
        {
            HeaderJsonParser.Entry e = entries[order[i]];
            if (e.Begin != previousEnd || e.End < e.Begin)
            {
                throw Fail(SafeTensorsErrorKind.InvalidOffset, source, e.Name,
                    $"data_offsets [{e.Begin}, {e.End}] do not start where the previous tensor ends ({previousEnd}) or end before they begin");
            }
            ulong elements = e.Shape.ElementCount ?? throw Fail(SafeTensorsErrorKind.ValidationOverflow, source, e.Name,
                $"the element count of its {e.Shape.Rank}-dimensional shape overflows 64 bits");
            ulong bits = Multiply(elements, (ulong)e.DType.BitSize())
                ?? throw Fail(SafeTensorsErrorKind.ValidationOverflow, source, e.Name,
                    $"{elements} elements of {e.DType.SafeTensorsName()} overflow a 64-bit bit count");
            if (bits % 8 != 0)
            {
                throw Fail(SafeTensorsErrorKind.MisalignedSlice, source, e.Name,
                    $"{elements} elements of {e.DType.SafeTensorsName()} are {bits} bits, not a whole number of bytes");
            }
            if (e.End - e.Begin != bits / 8)
            {
                throw Fail(SafeTensorsErrorKind.TensorInvalidInfo, source, e.Name,
                    $"{e.DType.SafeTensorsName()} {Format(HeaderJsonParser.ReadDimensions(json, e.Shape))} needs {bits / 8} bytes but data_offsets [{e.Begin}, {e.End}] hold {e.End - e.Begin}");
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

        // Accepted: only now materialize the dimensions.
        var tensors = new SafeTensorInfo[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            HeaderJsonParser.Entry e = entries[order[i]];
            tensors[i] = new SafeTensorInfo(e.Name, e.DType, HeaderJsonParser.ReadDimensions(json, e.Shape), e.Begin, e.End, e.Shape.ElementCount!.Value);
        }
        return tensors;
    }

    private static ulong? Multiply(ulong a, ulong b)
    {
        ulong high = Math.BigMul(a, b, out ulong low);
        return high == 0 ? low : null;
    }

    private static ulong? Add(ulong a, ulong b) => a > ulong.MaxValue - b ? null : a + b;

    private static string Format(ulong[] dims) => "[" + string.Join(", ", dims) + "]";

    private static SafeTensorsFormatException Fail(SafeTensorsErrorKind kind, string? source, string? tensor, string detail) =>
        new(kind, source, tensor, detail);
}
