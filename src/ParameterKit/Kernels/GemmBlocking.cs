namespace ParameterKit.Kernels;

/// <summary>
/// Cache-blocking sizes, chosen for this family of machines (Zen 4: 32 KiB L1d, 1 MiB L2 per core, 32 MiB L3).
/// The loop order (see <see cref="GemmBlocked"/>) keeps one packed A micro-panel (MR x KC) in L1 while the
/// innermost loop sweeps the packed B block (KC x NC), streamed from L2 and L3; the packed A block (MC x KC)
/// lives in L2 and L3.
/// </summary>
/// <remarks>
/// NC is wide on purpose. Packing B reads KC stored rows of NC values; when NC covers all of N those rows are one
/// contiguous run of memory that the hardware prefetcher streams at full speed. With the classic L2-sized block
/// (KC 256, NC 512) every stored row was a separate 2 KiB piece 12 KiB from the next, the prefetcher restarted on
/// each, and packing took a quarter of a 64 x 768 x 3072 product (82 GFLOP/s against 95 with NC = 4096, one
/// thread, same run); the square shapes gained 1-2%. The micro-kernel's B reads are sequential either way, so a B
/// block beyond L2 costs nothing measurable: it needs about 27 GB/s per core, well within L3's bandwidth. The
/// price is scratch: 5.5 MiB per thread that multiplies (OpenBLAS keeps 32 MiB or more per thread).
/// </remarks>
internal static class GemmBlocking
{
    /// <summary>
    /// Depth of one packed block. An 8 x 256 A micro-panel is 8 KiB (6 x 256 on AVX2: 6 KiB), under half of L1, so it
    /// survives the B micro-panels streaming past it; deeper blocks also amortise each tile's load and store of C
    /// (128 measured the same on one thread and 3-6% slower on two).
    /// </summary>
    public const int KC = 256;

    /// <summary>Columns of the packed B block: 256 x 4096 floats is 4 MiB, enough to cover N for most layers.</summary>
    public const int NC = 4096;

    /// <summary>
    /// Products with at most this many rows pack B one NR-column panel at a time, right before every row panel of A
    /// uses it, instead of a whole KC x NC block ahead (B stored K x N only): each B value is used too few times to
    /// repay a separate pass over all of B. Measured on Zen 4, one thread, block-packed against B read where stored
    /// (the route before panel packing): 16 x 768 x 3072 61 and 73 GFLOP/s, 64 x 768 x 3072 93 and 100,
    /// 128 x 768 x 3072 96 and 91.
    /// </summary>
    public const int StreamedRows = 64;

    /// <summary>
    /// Most rows of the packed A block: 1536 x 256 floats is 1.5 MiB per thread, and a multiple of every MR (6 and
    /// 8), so large M is split into few blocks and B is rarely packed twice.
    /// </summary>
    public const int MC = 1536;

    /// <summary>Splits <paramref name="extent"/> into the fewest blocks of at most <paramref name="max"/>, as even as possible.</summary>
    /// <remarks>A K of 300 becomes 150 + 150 rather than 256 + 44, so no block is too shallow to pay for its C traffic.</remarks>
    public static int EvenBlock(int extent, int max, int multiple)
    {
        int blocks = (extent + max - 1) / max;
        int size = (extent + blocks - 1) / blocks;
        return (size + multiple - 1) / multiple * multiple;
    }
}
