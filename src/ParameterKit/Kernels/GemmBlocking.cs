namespace ParameterKit.Kernels;

/// <summary>
/// Cache-blocking sizes, chosen for this family of machines (Zen 4: 32 KiB L1d, 1 MiB L2 per core, 32 MiB L3).
/// The loop order (see <see cref="GemmBlocked"/>) keeps one packed A micro-panel (MR x KC) in L1 while the
/// innermost loop sweeps the packed B block (KC x NC) held in L2; the packed A block (MC x KC) lives in L3.
/// </summary>
internal static class GemmBlocking
{
    /// <summary>
    /// Depth of one packed block. An 8 x 256 A micro-panel is 8 KiB (6 x 256 on AVX2: 6 KiB), under half of L1, so it survives the
    /// B micro-panels streaming past it; deeper blocks also amortise each tile's load and store of C.
    /// </summary>
    public const int KC = 256;

    /// <summary>Columns of the packed B block: 256 x 512 floats is 512 KiB, half of L2.</summary>
    public const int NC = 512;

    /// <summary>
    /// Most rows of the packed A block: 1536 x 256 floats is 1.5 MiB per thread, comfortably inside L3, and a
    /// multiple of every MR (6 and 8), so large M is split into few blocks and B is rarely packed twice.
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
