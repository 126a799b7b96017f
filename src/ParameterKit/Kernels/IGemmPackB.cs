namespace ParameterKit.Kernels;

/// <summary>
/// How <see cref="GemmBlocked"/> obtains its packed B panels: copied from float32 (<see cref="GemmPackSingle"/>) or
/// widened from half precision (<see cref="GemmPackHalf"/>). The driver is generic over it, so the float32 path
/// compiles exactly as before and the half-precision one gets its own specialised copy.
/// </summary>
internal unsafe interface IGemmPackB
{
    /// <summary>Whether B is packed one NR-column panel at a time, just before its use, instead of a whole block ahead.</summary>
    static abstract bool PacksPanelByPanel(in GemmProblem g);

    /// <summary>Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nc] into <paramref name="dest"/> as NR-column micro-panels.</summary>
    static abstract void PackB(in GemmProblem g, int p0, int j0, int kc, int nc, int nr, float* dest);
}

/// <summary>B is float32: <see cref="GemmPacking.PackB"/>, panel by panel for products with few rows.</summary>
internal readonly unsafe struct GemmPackSingle : IGemmPackB
{
    public static bool PacksPanelByPanel(in GemmProblem g) => GemmBlocked.PacksBPanelByPanel(g);

    public static void PackB(in GemmProblem g, int p0, int j0, int kc, int nc, int nr, float* dest) =>
        GemmPacking.PackB(g, p0, j0, kc, nc, nr, dest);
}

/// <summary>B is bf16 or f16: widened to float32 while it is packed (<see cref="GemmPackingHalf"/>), panel by panel for products with few rows.</summary>
internal readonly unsafe struct GemmPackHalf : IGemmPackB
{
    public static bool PacksPanelByPanel(in GemmProblem g) => GemmBlocked.PacksBPanelByPanel(g);

    public static void PackB(in GemmProblem g, int p0, int j0, int kc, int nc, int nr, float* dest) =>
        GemmPackingHalf.PackB(g, p0, j0, kc, nc, nr, dest);
}
