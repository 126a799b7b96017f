using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ParameterKit.Benchmarks.Kernels;

/// <summary>
/// Derived columns, all from the fastest iteration (the anchors are best-of-N; on a shared two-core host
/// the minimum is the least noisy estimate): GFLOP/s = 2 M N K / time, % of the measured FP32 peak
/// (117 GFLOP/s per core), and speed relative to OpenBLAS and to the TensorPrimitives.MultiplyAdd loop at the
/// same thread count (above 1 means faster than that baseline), and, for matrix-vector shapes, relative to just
/// reading B once (1.00x means the product runs at the memory bandwidth the same run measured).
/// </summary>
internal sealed class GemmColumn : IColumn
{
    /// <summary>Measured single-core FP32 FMA peak of the reference machine (AMD EPYC Zen 4), GFLOP/s.</summary>
    public const double PeakPerCore = 117;

    private readonly Func<Summary, BenchmarkCase, string> value;

    private GemmColumn(string name, string legend, Func<Summary, BenchmarkCase, string> value)
    {
        ColumnName = name;
        Id = "Gemm." + name;
        Legend = legend;
        this.value = value;
    }

    public static IColumn Gflops { get; } = new GemmColumn("GFLOP/s", "2 M N K / fastest time",
        (summary, benchmark) => Format(Gflop(summary, benchmark), "F1"));

    public static IColumn PercentOfPeak { get; } = new GemmColumn("% peak", "GFLOP/s over 117 x threads",
        (summary, benchmark) => Format(Gflop(summary, benchmark) / (PeakPerCore * Threads(benchmark)) * 100, "F0"));

    public static IColumn VersusOpenBlas { get; } = new GemmColumn("vs OpenBLAS", "OpenBLAS time / this time, same threads",
        (summary, benchmark) => OpenBlas.IsAvailable ? Relative(summary, benchmark, "OpenBlas") : "n/a: " + OpenBlas.MissingMessage);

    public static IColumn VersusMultiplyAdd { get; } = new GemmColumn("vs MultiplyAdd", "MultiplyAdd-loop time / this time, same threads",
        (summary, benchmark) => Relative(summary, benchmark, "MultiplyAddLoop"));

    public static IColumn VersusReadOnce { get; } = new GemmColumn("vs read B", "time to read B once / this time, same threads (1.00x = at memory bandwidth)",
        (summary, benchmark) => Relative(summary, benchmark, GemmBenchmarks.ReadWeightsOnce));

    public string Id { get; }

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => value(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    private static int Threads(BenchmarkCase benchmark) =>
        benchmark.Descriptor.WorkloadMethod.Name.EndsWith("2Threads", StringComparison.Ordinal) ? 2 : 1;

    private static double? FastestNanoseconds(Summary summary, BenchmarkCase benchmark) =>
        summary[benchmark]?.ResultStatistics?.Min;

    private static double Gflop(Summary summary, BenchmarkCase benchmark)
    {
        double? ns = FastestNanoseconds(summary, benchmark);
        var shape = GemmShape.Parse((string)benchmark.Parameters["Shape"]);
        return ns is double t ? shape.Flops / t : double.NaN;
    }

    private static string Relative(Summary summary, BenchmarkCase benchmark, string baselinePrefix)
    {
        string method = benchmark.Descriptor.WorkloadMethod.Name;
        string suffix = Threads(benchmark) == 2 ? "2Threads" : "1Thread";
        string baselineName = baselinePrefix + suffix;
        BenchmarkCase? baseline = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor.WorkloadMethod.Name == baselineName
            && Equals(other.Parameters["Shape"], benchmark.Parameters["Shape"]));
        if (baseline == null || method == baselineName)
        {
            return "-";
        }
        double? mine = FastestNanoseconds(summary, benchmark), theirs = FastestNanoseconds(summary, baseline);
        return mine is double m && theirs is double t ? (t / m).ToString("F2", CultureInfo.InvariantCulture) + "x" : "?";
    }

    private static string Format(double x, string format) =>
        double.IsNaN(x) ? "?" : x.ToString(format, CultureInfo.InvariantCulture);

    public override string ToString() => ColumnName;
}
