using System.Globalization;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>A benchmark shape written as in the issue, <c>M x K x N</c> (op(A) is M x K, op(B) is K x N).</summary>
internal readonly record struct GemmShape(int M, int K, int N)
{
    /// <summary>Multiply-adds in one product.</summary>
    public long MultiplyAdds => (long)M * K * N;

    /// <summary>Floating-point operations in one product, 2 M N K.</summary>
    public double Flops => 2.0 * MultiplyAdds;

    /// <summary>Parses <c>"1024x1024x1024"</c>.</summary>
    public static GemmShape Parse(string text)
    {
        string[] parts = text.Split('x');
        return new GemmShape(
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
