namespace ParameterKit.Kernels;

/// <summary>
/// A product with a Q8_0 weight split into parts along N, in whole units of <see cref="UnitSize"/> outputs, so each
/// output is computed by one thread in one order whatever the thread count. Each thread reuses one instance.
/// </summary>
internal sealed unsafe class GemmQ8_0Task : IPartitionedWork
{
    /// <summary>Outputs per unit of the split.</summary>
    public const int UnitSize = 16;

    [ThreadStatic]
    private static GemmQ8_0Task? current;

    public GemmQ8_0Operands Operands;
    public Q8_0Path Path;
    public int Parts;

    /// <summary>The calling thread's reusable task.</summary>
    public static GemmQ8_0Task Current => current ??= new GemmQ8_0Task();

    /// <summary>Units the N outputs hold.</summary>
    public int Units => (Operands.N + UnitSize - 1) / UnitSize;

    /// <summary>Computes the outputs of part <paramref name="part"/>: all M rows, in groups of four, then the bias and activation.</summary>
    public void Execute(int part)
    {
        ref readonly GemmQ8_0Operands o = ref Operands;
        int units = Units;
        int n0 = (int)((long)units * part / Parts) * UnitSize;
        int n1 = Math.Min((int)((long)units * (part + 1) / Parts) * UnitSize, o.N);
        if (n0 >= n1)
        {
            return;
        }
        int row = 0;
        for (; row + 4 <= o.M; row += 4)
        {
            GemmQ8_0Dot.Run(Path, o, row, 4, n0, n1);
        }
        for (; row < o.M; row++)
        {
            GemmQ8_0Dot.Run(Path, o, row, 1, n0, n1);
        }
        if (o.Bias != null || o.Activation != GemmActivation.None)
        {
            GemmEpilogue.Apply(o.C + n0, o.Ldc, o.M, n1 - n0, o.Bias == null ? null : o.Bias + n0, o.Activation);
        }
    }
}
